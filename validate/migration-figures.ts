/** The pure figures of the migration checks: no database, so unit tests pin them exactly. */

/** Row-count mismatch in % of the source: |a − b| / max(a, 1) × 100 (multiplied first, so 10 of 1000 is exactly 1). */
export function mismatchPct(sourceRows: number, targetRows: number): number {
  return (Math.abs(sourceRows - targetRows) * 100) / Math.max(sourceRows, 1);
}

/** The median of some numbers (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Ids in both lists and ids in either, the lists taken as sets. */
export function idSets(a: readonly string[], b: readonly string[]): { shared: number; union: number } {
  const sa = new Set(a);
  const sb = new Set(b);
  let shared = 0;
  for (const id of sa) if (sb.has(id)) shared++;
  return { shared, union: sa.size + sb.size - shared };
}

/** Jaccard overlap of two id lists taken as sets: |A ∩ B| / |A ∪ B|, 1 when both are empty. */
export function overlap(a: readonly string[], b: readonly string[]): number {
  const { shared, union } = idSets(a, b);
  return union === 0 ? 1 : shared / union;
}

/** The agreement of the first k ids of two ranked lists. */
export interface TopKFigures {
  /** k' = the larger of the two top-k lists' sizes (k, or fewer when both sides returned fewer). */
  kPrime: number;
  /** Ids in both top-k lists. */
  shared: number;
  /** shared / k' (1 when both lists are empty). */
  topKAgreement: number;
  /** Positions i < k where both lists hold the same id. */
  samePosition: number;
  /** samePosition / k' (1 when both lists are empty). */
  rankAgreement: number;
}

/** How far two ranked id lists agree in their first k. */
export function topKFigures(a: readonly string[], b: readonly string[], k: number): TopKFigures {
  const ta = a.slice(0, k);
  const tb = b.slice(0, k);
  const kPrime = Math.max(ta.length, tb.length);
  const inB = new Set(tb);
  const shared = new Set(ta.filter((id) => inB.has(id))).size;
  let samePosition = 0;
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) if (ta[i] === tb[i]) samePosition++;
  return {
    kPrime,
    shared,
    topKAgreement: kPrime === 0 ? 1 : shared / kPrime,
    samePosition,
    rankAgreement: kPrime === 0 ? 1 : samePosition / kPrime,
  };
}

/** A number kept to `digits` decimals, for figures stored in results (timings in ms to the microsecond). */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
