import { qualified, quoteIdentifier } from './sql-ident.js';

/**
 * The table the ledgered write goes to. `id` is the ledger id (`writerKey << 32 | seq`); its index
 * is deliberately not unique, so that a write applied twice (a client retry, a replayed batch)
 * leaves two rows that verification can count as duplicated. `status`/`updated_at` are for the
 * follow-up updates of workloads such as `notifications`.
 */
export const EVENTS_TABLE = 'events';

/** Statements creating the schema and the events table (idempotent). */
export function eventsTableDdl(schema: string): string[] {
  const events = qualified(schema, EVENTS_TABLE);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${events} (
      id bigint NOT NULL,
      writer_key integer NOT NULL,
      payload text,
      status text NOT NULL DEFAULT 'new',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS events_id_idx ON ${events} (id)`,
  ];
}
