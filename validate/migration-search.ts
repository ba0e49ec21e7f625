import { errorInfo, type ErrorInfo } from '../core/errors.js';
import { idSets, overlap, topKFigures } from './migration-figures.js';
import { inSavepoint, type MigrationContext } from './migration-context.js';
import type { MigrationSearch } from './migration-result.js';
import type { SelectPair } from './migration-select.js';

/**
 * Runs each search once on each side and compares the ids (first column, as text) they return:
 * a full-text search rebuilt in PostgreSQL (tsvector, pg_trgm) ranks differently from FTS5, and
 * these figures say how much.
 */
export async function compareSearches(ctx: MigrationContext, searches: readonly (SelectPair & { k: number })[]): Promise<MigrationSearch[]> {
  const out: MigrationSearch[] = [];
  for (const s of searches) {
    ctx.log(`migration: comparing search ${s.name}`);
    let sqlite: { ok: true; value: string[] } | { ok: false; error: ErrorInfo };
    try {
      const rows = ctx.file.db.prepare(s.sqlite).raw(true).all() as unknown[][];
      sqlite = { ok: true, value: rows.map((r) => idText(r[0])) };
    } catch (error) {
      sqlite = { ok: false, error: errorInfo(error) };
    }
    const postgres = await inSavepoint(ctx, async () => (await ctx.pg.query(s.postgres)).map((r) => idText(Object.values(r)[0])));
    const a = sqlite.ok ? sqlite.value : [];
    const b = postgres.ok ? postgres.value : [];
    const both = sqlite.ok && postgres.ok;
    const top = topKFigures(a, b, s.k);
    out.push({
      name: s.name,
      k: s.k,
      overlap: both ? overlap(a, b) : null,
      ...idSets(a, b),
      topKAgreement: both ? top.topKAgreement : null,
      rankAgreement: both ? top.rankAgreement : null,
      sqliteCount: a.length,
      postgresCount: b.length,
      sqliteTopK: a.slice(0, s.k),
      postgresTopK: b.slice(0, s.k),
      ...(sqlite.ok ? {} : { sqliteError: sqlite.error }),
      ...(postgres.ok ? {} : { postgresError: postgres.error }),
    });
  }
  return out;
}

/** An id as text on both sides: SQLite's integer 7 and PostgreSQL's bigint '7' are the same id. */
export function idText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | bigint | boolean);
}
