import { randomInt } from 'node:crypto';
import { CutoverError } from '../core/errors.js';
import type { Session } from '../core/session.js';
import type { WriterIdentity } from './ledger-types.js';
import { qualified, quoteIdentifier } from './sql-ident.js';

/** The table of the soak schema that hands out writer keys. */
export const WRITERS_TABLE = 'writers';

/** Largest writer key: ids are `writerKey * 2^32 + seq` and must stay positive int8 values. */
export const MAX_WRITER_KEY = 2 ** 31 - 1;

/** Statements creating the soak schema and its `writers` table (idempotent). */
export function writersTableDdl(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, WRITERS_TABLE)} (
      writer_key int PRIMARY KEY CHECK (writer_key > 0),
      label text,
      started_at timestamptz DEFAULT now()
    )`,
  ];
}

/**
 * Registers a new writer: a random key in 1 .. 2^31-1 claimed by inserting it, so keys are
 * unique across the writers of a run and across runs against the same database (a random key,
 * rather than a sequence, also stays unique when a run's database is a restored copy whose
 * sequence went backwards). `session` must be writable; the table is created when missing.
 */
export async function registerWriter(session: Session, schema: string, label: string): Promise<WriterIdentity> {
  await createWritersTable(session, schema);
  const table = qualified(schema, WRITERS_TABLE);
  for (let attempt = 0; attempt < 32; attempt++) {
    const key = randomInt(1, MAX_WRITER_KEY + 1);
    const rows = await session.query<{ writer_key: number }>(
      `INSERT INTO ${table} (writer_key, label) VALUES ($1, $2) ON CONFLICT (writer_key) DO NOTHING RETURNING writer_key`,
      [key, label],
    );
    if (rows.length === 1) return { writerKey: key, label };
  }
  throw new CutoverError('internal', `could not register a writer in ${table}: 32 random keys were all taken`);
}

/**
 * Runs the DDL once more when a concurrent writer created the same schema or table between our
 * IF NOT EXISTS test and our insert into the catalog (23505/42P07/42P06): the second try sees it.
 */
async function createWritersTable(session: Session, schema: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      for (const statement of writersTableDdl(schema)) await session.query(statement);
      return;
    } catch (error) {
      const state = error instanceof CutoverError ? error.sqlState : undefined;
      if (attempt >= 2 || !state || !['23505', '42P07', '42P06'].includes(state)) throw error;
    }
  }
}
