import { matchRows } from './match-rows.js';
import { scanSlices, sliceDigests, type Digest, type SideReader } from './slice-scan.js';
import { tableResult, type ChangedRow, type KeyedRow, type MultisetRow, type ShownValue, type TableResult } from './result.js';
import { bucketDigestSql, bucketRowsSql, rowDetailSql, type Side } from './table-sql.js';
import type { TablePlan } from './table-plan.js';

/** Tuning of one table's comparison. */
export interface CompareOptions {
  /** Differences listed per kind and table (the counts stay exact). */
  maxListed: number;
  /** Longest value text shown; longer ones are cut and carry their length. */
  maxValueChars: number;
  /** Rows per first-level bucket aimed at (from the source's estimate). */
  rowsPerBucket: number;
  /** A differing bucket holding at most this many rows on each side is compared row by row. */
  leafRows: number;
  /** Rows fetched per query at the bottom (the buckets are batched up to it). */
  rowsPerFetch: number;
}

export const DEFAULT_COMPARE: CompareOptions = { maxListed: 100, maxValueChars: 200, rowsPerBucket: 1_000, leafRows: 5_000, rowsPerFetch: 100_000 };

/** Bits added at least when a bucket too large to fetch is split: 64 sub-buckets. */
const SPLIT_BITS = 6;
/** Sub-buckets one split of scattered differences may return per side (their digests are held in memory). */
const MAX_SPLIT_BUCKETS = 1 << 18;
const MAX_BITS = 62;
/** Keys per detail query (each key column is one parameter; PostgreSQL allows 65,535). */
const KEYS_PER_DETAIL = 200;

interface Bucket {
  bits: number;
  value: string;
  /** Rows of the bucket on each side. */
  source: number;
  target: number;
}

const rowsOf = (b: Bucket): number => Math.max(b.source, b.target);
const sumRows = (buckets: Bucket[]): number => buckets.reduce((n, b) => n + rowsOf(b), 0);

type BucketRow = {
  kh: string;
  h: string;
  n: string;
  v: (string | null)[];
};

export interface Sides {
  source: SideReader;
  target: SideReader;
}

/** Where one table's comparison is: source rows digested so far, differences counted so far. */
export interface TableProgress {
  rows: number;
  differences: number;
}

/**
 * Compares one table on two sessions, each already inside its REPEATABLE READ snapshot. First one
 * scan per side groups every row into buckets by key hash (count and sum of row hashes each,
 * computed by PostgreSQL); equal digests end there. A bucket with rows on one side only is counted
 * from its digest. Differing buckets too large to fetch are split (one more scan per side and
 * level); the rows of the others are fetched as (key hash, row hash, key text) and matched in
 * Node; whole rows are read, by key, only for the changed rows listed.
 */
export async function compareTable(plan: TablePlan, sides: Sides, options: CompareOptions = DEFAULT_COMPARE, onProgress?: (p: TableProgress) => void): Promise<TableResult> {
  const started = performance.now();
  const bits = initialBits(plan.estimatedRows, options.rowsPerBucket);
  const [source, target] = await both(sides, (reader, side) => sliceDigests(plan, reader, side, (slice) => bucketDigestSql(plan, side, bits, undefined, slice)));
  const result = tableResult({
    schema: plan.schema,
    name: plan.name,
    status: 'equal',
    key: plan.key,
    localised: plan.key.length > 0,
    sourceRows: total(source),
    targetRows: total(target),
    notes: [...plan.notes],
  });
  const progress = (): void => onProgress?.({ rows: result.sourceRows ?? 0, differences: result.missing + result.extra + result.changed });
  progress();
  let differing = differingBuckets(bits, source, target);
  result.buckets = { total: new Set([...source.keys(), ...target.keys()]).size, differing: differing.length };
  const leaves: Bucket[] = [];
  const oneSided: Bucket[] = [];
  let splitAllHelps = true;
  while (differing.length > 0) {
    // A bucket empty on one side needs no matching: every row of the other side differs.
    oneSided.push(...differing.filter((b) => b.source === 0 || b.target === 0));
    const twoSided = differing.filter((b) => b.source > 0 && b.target > 0 && b.bits < MAX_BITS);
    leaves.push(...differing.filter((b) => b.source > 0 && b.target > 0 && b.bits >= MAX_BITS));
    // Differences scattered over many buckets (1,000 in 10M rows hit 1,000 buckets of 600 rows):
    // one more scan that splits them all 64 ways leaves about one small bucket per difference,
    // where fetching every row of those buckets would take a scan per batch of `rowsPerFetch`.
    // When most rows differ, splitting finds as many rows to fetch: it is tried once, then not.
    const toFetch = sumRows(twoSided);
    const splitAll = splitAllHelps && toFetch > options.rowsPerFetch && twoSided.length << SPLIT_BITS <= MAX_SPLIT_BUCKETS;
    const large = splitAll ? twoSided : twoSided.filter((b) => rowsOf(b) > options.leafRows);
    const splitting = new Set(large);
    leaves.push(...twoSided.filter((b) => !splitting.has(b)));
    if (large.length === 0) break;
    differing = [];
    for (const [parentBits, group] of byBits(large)) {
      // Enough bits at once for the largest bucket (a table never analysed starts as one bucket).
      const largest = group.reduce((max, b) => Math.max(max, rowsOf(b)), 0);
      const childBits = Math.min(parentBits + Math.max(SPLIT_BITS, initialBits(largest, options.rowsPerBucket)), MAX_BITS);
      const values = group.map((b) => b.value);
      const [s, t] = await both(sides, (reader, side) => sliceDigests(plan, reader, side, (slice) => bucketDigestSql(plan, side, childBits, parentBits, slice), [values]));
      differing.push(...differingBuckets(childBits, s, t));
    }
    if (splitAll && sumRows(differing.filter((b) => b.source > 0 && b.target > 0)) > toFetch / 2) splitAllHelps = false;
  }
  for (const batch of batches(leaves, options.rowsPerFetch)) {
    const [s, t] = await both(sides, (reader, side) => bucketRows(plan, reader, side, batch.bits, [batch.values]));
    if (plan.key.length > 0) await matchKeyed(plan, sides, s, t, result, options);
    else matchMultiset(plan, s, t, result, options);
    progress();
  }
  await oneSidedRows(plan, sides, oneSided, result, options);
  progress();
  if (result.missing + result.extra + result.changed > 0 || plan.columnsDiffer) result.status = 'different';
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

/** Enough bits for about `rowsPerBucket` rows per bucket, at most 2^20 buckets. */
export function initialBits(estimatedRows: number, rowsPerBucket: number): number {
  const buckets = Math.max(1, estimatedRows / rowsPerBucket);
  return Math.min(20, Math.ceil(Math.log2(buckets)));
}

async function both<T>(sides: Sides, run: (reader: SideReader, side: Side) => Promise<T>): Promise<[T, T]> {
  // The two servers work at the same time; each session runs one query at a time.
  return Promise.all([run(sides.source, 'source'), run(sides.target, 'target')]);
}

/** The rows of the buckets `params[0]` on one side; a row without a key read in several slices is counted once with its copies added. */
async function bucketRows(plan: TablePlan, reader: SideReader, side: Side, bits: number, params: unknown[]): Promise<BucketRow[]> {
  const parts = await scanSlices<BucketRow>(plan, reader, side, (slice) => bucketRowsSql(plan, side, bits, slice), params);
  if (parts.length === 1 || plan.key.length > 0) return parts.flat();
  const byHash = new Map<string, BucketRow>();
  for (const r of parts.flat()) {
    const seen = byHash.get(r.kh);
    byHash.set(r.kh, seen ? { ...seen, n: String(Number(seen.n) + Number(r.n)) } : r);
  }
  return [...byHash.values()];
}

function total(digests: Map<string, Digest>): number {
  let n = 0;
  for (const d of digests.values()) n += d.n;
  return n;
}

function differingBuckets(bits: number, source: Map<string, Digest>, target: Map<string, Digest>): Bucket[] {
  const out: Bucket[] = [];
  for (const value of new Set([...source.keys(), ...target.keys()])) {
    const s = source.get(value);
    const t = target.get(value);
    if (s && t && s.n === t.n && s.s === t.s) continue;
    out.push({ bits, value, source: s?.n ?? 0, target: t?.n ?? 0 });
  }
  return out;
}

function byBits(buckets: Bucket[]): Map<number, Bucket[]> {
  const groups = new Map<number, Bucket[]>();
  for (const b of buckets) {
    const group = groups.get(b.bits);
    if (group) group.push(b);
    else groups.set(b.bits, [b]);
  }
  return groups;
}

/** Buckets of one level per query, up to `rowsPerFetch` rows (a bucket larger than that alone). */
function* batches(leaves: Bucket[], rowsPerFetch: number): Generator<{ bits: number; values: string[] }> {
  for (const [bits, group] of byBits(leaves)) {
    let values: string[] = [];
    let rows = 0;
    for (const b of group) {
      if (values.length > 0 && rows + rowsOf(b) > rowsPerFetch) {
        yield { bits, values };
        values = [];
        rows = 0;
      }
      values.push(b.value);
      rows += rowsOf(b);
    }
    if (values.length > 0) yield { bits, values };
  }
}

/**
 * Buckets with rows on one side only: their counts are exact from the digests, and rows are read
 * (from that side alone) only as far as the listing cap needs, so that a table emptied on the
 * target costs one more scan, not a fetch of every key.
 */
async function oneSidedRows(plan: TablePlan, sides: Sides, buckets: Bucket[], result: TableResult, options: CompareOptions): Promise<void> {
  for (const side of ['source', 'target'] as const) {
    const mine = buckets.filter((b) => (side === 'source' ? b.target === 0 : b.source === 0));
    const count = mine.reduce((n, b) => n + b[side], 0);
    if (side === 'source') result.missing += count;
    else result.extra += count;
    const listed = plan.key.length > 0 ? (side === 'source' ? result.missingRows : result.extraRows) : result.multisetRows;
    const wanted: Bucket[] = [];
    let rows = 0;
    for (const b of mine) {
      if (listed.length + rows >= options.maxListed) break;
      wanted.push(b);
      rows += b[side];
    }
    for (const [bits, group] of byBits(wanted)) {
      const found = await bucketRows(plan, sides[side], side, bits, [group.map((b) => b.value)]);
      for (const row of found) {
        if (listed.length >= options.maxListed) break;
        if (plan.key.length > 0) result[side === 'source' ? 'missingRows' : 'extraRows'].push({ key: keyRecord(plan, row.v) });
        else {
          const n = Number(row.n);
          result.multisetRows.push({ values: shownValues(plan, row.v, options), sourceCount: side === 'source' ? n : 0, targetCount: side === 'target' ? n : 0 });
        }
      }
    }
  }
}

function shownValues(plan: TablePlan, values: (string | null)[], options: CompareOptions): Record<string, ShownValue> {
  return Object.fromEntries(plan.columns.map((c, i) => [c.name, shown(values[i], options)]));
}

function keyRecord(plan: TablePlan, values: (string | null)[]): Record<string, string | null> {
  return Object.fromEntries(plan.key.map((k, i) => [k, values[i] ?? null]));
}

async function matchKeyed(plan: TablePlan, sides: Sides, sourceRows: BucketRow[], targetRows: BucketRow[], result: TableResult, options: CompareOptions): Promise<void> {
  const m = matchRows(sourceRows, targetRows, (r) => r.kh, (r) => r.h);
  const listed = (list: KeyedRow[], rows: BucketRow[]): void => {
    for (const row of rows.slice(0, Math.max(0, options.maxListed - list.length))) list.push({ key: keyRecord(plan, row.v) });
  };
  result.missing += m.missing.length;
  listed(result.missingRows, m.missing);
  result.extra += m.extra.length;
  listed(result.extraRows, m.extra);
  result.changed += m.changed.length;
  const changed = m.changed.slice(0, Math.max(0, options.maxListed - result.changedRows.length)).map(([a]) => a);
  for (let i = 0; i < changed.length; i += KEYS_PER_DETAIL) {
    const chunk = changed.slice(i, i + KEYS_PER_DETAIL);
    const params = chunk.flatMap((r) => r.v);
    // By key, through the index: not split.
    const [s, t] = await both(sides, (reader, side) => reader.sessions[0].query<{ kh: string; v: (string | null)[]; hs: string[] }>(rowDetailSql(plan, side, chunk.length), params));
    const sourceByKey = new Map(s.map((r) => [r.kh, r]));
    const targetByKey = new Map(t.map((r) => [r.kh, r]));
    for (const key of chunk) {
      const [a, b] = [sourceByKey.get(key.kh), targetByKey.get(key.kh)];
      const columns: ChangedRow['columns'] = [];
      // A row its key text does not find again (a key type whose text does not read back) is still listed, without columns.
      if (a && b) {
        plan.columns.forEach((c, j) => {
          if (a.hs[j] !== b.hs[j]) columns.push({ column: c.name, source: shown(a.v[j], options), target: shown(b.v[j], options) });
        });
      }
      result.changedRows.push({ key: keyRecord(plan, key.v), columns });
    }
  }
}

function matchMultiset(plan: TablePlan, sourceRows: BucketRow[], targetRows: BucketRow[], result: TableResult, options: CompareOptions): void {
  const target = new Map(targetRows.map((r) => [r.kh, r]));
  const rows = new Map<string, { values: (string | null)[]; s: number; t: number }>();
  for (const r of sourceRows) rows.set(r.kh, { values: r.v, s: Number(r.n), t: Number(target.get(r.kh)?.n ?? 0) });
  for (const r of targetRows) if (!rows.has(r.kh)) rows.set(r.kh, { values: r.v, s: 0, t: Number(r.n) });
  for (const r of rows.values()) {
    if (r.s === r.t) continue;
    if (r.s > r.t) result.missing += r.s - r.t;
    else result.extra += r.t - r.s;
    if (result.multisetRows.length < options.maxListed) {
      const row: MultisetRow = { values: shownValues(plan, r.values, options), sourceCount: r.s, targetCount: r.t };
      result.multisetRows.push(row);
    }
  }
}

/** A value's text for a report, cut past `maxValueChars` with its full length kept. */
export function shown(text: string | null | undefined, options: Pick<CompareOptions, 'maxValueChars'>): ShownValue {
  if (text === null || text === undefined) return { text: null };
  const chars = [...text];
  if (chars.length <= options.maxValueChars) return { text };
  return { text: `${chars.slice(0, options.maxValueChars).join('')}…`, length: chars.length };
}
