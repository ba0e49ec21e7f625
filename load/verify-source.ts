import type { Session } from '../core/session.js';
import { ledgerId } from './ledger-types.js';
import { qualified } from './sql-ident.js';

/** Rows and distinct ids found in a range of one writer's ids. */
export interface RangeCounts {
  rows: number;
  distinct: number;
}

/** Seqs of one writer, inclusive. */
export type SeqRange = [from: number, to: number];

/**
 * Where verification looks for ids: the final writer's events table, or a fake in unit tests.
 * Each call takes many ranges of one writer, so a level of the search is one round trip.
 */
export interface IdSource {
  /** Rows, and distinct ids, in each range. */
  count(writerKey: number, ranges: readonly SeqRange[]): Promise<RangeCounts[]>;
  /** For each range, the seqs present, ascending, each with its number of rows. */
  fetch(writerKey: number, ranges: readonly SeqRange[]): Promise<[seq: number, rows: number][][]>;
  /** Queries run so far. */
  readonly queries: number;
}

/**
 * The events table of the final writer as an IdSource. Every range is its own range scan of
 * the (non-unique) index on id, through a LATERAL join over the arrays of bounds: one statement
 * per batch, and `count(DISTINCT id)` reads ids already in index order (no sort).
 */
export function sqlIdSource(db: Session, schema: string, table: string): IdSource {
  const name = qualified(schema, table);
  const bounds = 'unnest($1::int8[], $2::int8[]) WITH ORDINALITY AS r(lo, hi, i)';
  const countSql = `SELECT r.i, c.rows, c.ids FROM ${bounds}
    CROSS JOIN LATERAL (SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM ${name} WHERE id BETWEEN r.lo AND r.hi) c ORDER BY r.i`;
  const fetchSql = `SELECT r.i, e.id - $3::int8 AS seq, e.rows FROM ${bounds}
    CROSS JOIN LATERAL (SELECT id, count(*) AS rows FROM ${name} WHERE id BETWEEN r.lo AND r.hi GROUP BY id) e ORDER BY r.i, e.id`;
  let queries = 0;
  const params = (writerKey: number, ranges: readonly SeqRange[]) => [
    ranges.map(([from]) => ledgerId(writerKey, from).toString()),
    ranges.map(([, to]) => ledgerId(writerKey, to).toString()),
  ];
  return {
    get queries() {
      return queries;
    },
    async count(writerKey, ranges) {
      if (ranges.length === 0) return [];
      queries++;
      const rows = await db.query<{ i: string; rows: string; ids: string }>(countSql, params(writerKey, ranges));
      return rows.map((r) => ({ rows: Number(r.rows), distinct: Number(r.ids) }));
    },
    async fetch(writerKey, ranges) {
      const out: [number, number][][] = ranges.map(() => []);
      if (ranges.length === 0) return out;
      queries++;
      const rows = await db.query<{ i: string; seq: string; rows: string }>(fetchSql, [...params(writerKey, ranges), ledgerId(writerKey, 0).toString()]);
      for (const r of rows) out[Number(r.i) - 1]?.push([Number(r.seq), Number(r.rows)]);
      return out;
    },
  };
}
