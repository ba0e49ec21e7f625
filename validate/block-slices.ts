/**
 * A table's scan split between the sessions of one side (validate/side-sessions.ts): each reads
 * a range of the table's blocks by ctid (a TID Range Scan, PostgreSQL 14+), and the parts are
 * added up. Rows are where they are on each side, so each side is split on its own; a digest
 * (count and sum per bucket) does not depend on which part read a row.
 */

/** Blocks `[from, to)`; an absent end is open, so that rows in blocks added since the size was read are read too. */
export interface BlockSlice {
  from?: number;
  to?: number;
}

/** No part smaller than this (8 MB of 8 kB blocks): below it a split costs more than it saves. */
export const MIN_BLOCKS_PER_SLICE = 1_024;

/** The slices of a table of `blocks` blocks for `sessions` sessions: one unbounded slice when not worth splitting. */
export function blockSlices(blocks: number, sessions: number): BlockSlice[] {
  const parts = Math.max(1, Math.min(sessions, Math.floor(blocks / MIN_BLOCKS_PER_SLICE)));
  if (parts === 1) return [{}];
  const bounds = Array.from({ length: parts - 1 }, (_, i) => Math.round(((i + 1) * blocks) / parts));
  return Array.from({ length: parts }, (_, i) => ({ ...(i > 0 ? { from: bounds[i - 1] } : {}), ...(i < parts - 1 ? { to: bounds[i] } : {}) }));
}

/** The condition selecting a slice's rows (`alias` names the table), empty for the whole table. */
export function sliceCondition(alias: string, slice: BlockSlice | undefined): string {
  const parts: string[] = [];
  if (slice?.from !== undefined) parts.push(`${alias}.ctid >= '(${integer(slice.from)},0)'::tid`);
  if (slice?.to !== undefined) parts.push(`${alias}.ctid < '(${integer(slice.to)},0)'::tid`);
  return parts.join(' AND ');
}

function integer(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a block number must be a non-negative integer, got ${n}`);
  return n;
}
