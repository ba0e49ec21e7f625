import type { Row, Session } from '../core/session.js';
import { blockSlices, type BlockSlice } from './block-slices.js';
import type { Side } from './table-sql.js';
import type { TablePlan } from './table-plan.js';

/** One side's sessions, all in one snapshot (validate/side-sessions.ts): a table's scans are split between them. */
export interface SideReader {
  readonly sessions: readonly [Session, ...Session[]];
}

/** One bucket's digest: its row count and the exact sum of its rows' hashes (numeric text). */
export interface Digest {
  n: number;
  s: string;
}

/** One query per slice of the side's table, each on its own session, at the same time: each slice's rows. */
export async function scanSlices<R extends Row>(plan: TablePlan, reader: SideReader, side: Side, sqlOf: (slice: BlockSlice) => string, params?: unknown[]): Promise<R[][]> {
  const slices = blockSlices(side === 'source' ? plan.sourceBlocks : plan.targetBlocks, reader.sessions.length);
  return Promise.all(slices.map((slice, i) => (reader.sessions[i] ?? reader.sessions[0]).query<R>(sqlOf(slice), params)));
}

/** Per-bucket digests (`b`, `n`, `s` rows of validate/table-sql.ts's bucketDigestSql) of every slice, added up per bucket. */
export async function sliceDigests(plan: TablePlan, reader: SideReader, side: Side, sqlOf: (slice: BlockSlice) => string, params?: unknown[]): Promise<Map<string, Digest>> {
  const parts = await scanSlices<{ b: string; n: string; s: string }>(plan, reader, side, sqlOf, params);
  const out = new Map<string, Digest>();
  for (const rows of parts) {
    for (const r of rows) {
      const d = out.get(r.b);
      // Sums of int8 hashes, exact: numeric text, added as BigInt when parts meet.
      out.set(r.b, d ? { n: d.n + Number(r.n), s: (BigInt(d.s) + BigInt(r.s)).toString() } : { n: Number(r.n), s: r.s });
    }
  }
  return out;
}
