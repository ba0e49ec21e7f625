import { groupBy } from '../core/group-by.js';

/** What matching two sides' rows found: rows on the source only, on the target only, and pairs with one key and other content. */
export interface RowMatch<R> {
  missing: R[];
  extra: R[];
  changed: [R, R][];
}

/**
 * Matches the rows of the buckets that differ, whatever their shape: by key hash; a key held by one
 * row on each side is `changed` when the row hashes differ; a key held by several rows on a side (a
 * --group-by group, a target without the source's unique key) is matched by content, each copy
 * without a counterpart missing or extra. Rows keep the order they came in.
 */
export function matchRows<R, K, H>(sourceRows: readonly R[], targetRows: readonly R[], keyHash: (r: R) => K, rowHash: (r: R) => H): RowMatch<R> {
  const out: RowMatch<R> = { missing: [], extra: [], changed: [] };
  const source = groupBy(sourceRows, keyHash);
  const target = groupBy(targetRows, keyHash);
  for (const kh of new Set([...source.keys(), ...target.keys()])) {
    const [s = [], t = []] = [source.get(kh), target.get(kh)];
    const [a, b] = [s[0], t[0]];
    if (s.length <= 1 && t.length <= 1) {
      if (a && !b) out.missing.push(a);
      else if (b && !a) out.extra.push(b);
      else if (a && b && rowHash(a) !== rowHash(b)) out.changed.push([a, b]);
      continue;
    }
    const targetLeft = groupBy(t, rowHash);
    for (const row of s) {
      const same = targetLeft.get(rowHash(row));
      if (same && same.length > 0) same.pop();
      else out.missing.push(row);
    }
    for (const rows of targetLeft.values()) out.extra.push(...rows);
  }
  return out;
}
