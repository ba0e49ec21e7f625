import { decodeHistogram } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';

/**
 * The seconds of baseline repeats in a form a bootstrap can resample thousands of times: each
 * second's latency histogram as counts at indexes into one table of distinct values (the HDR
 * buckets' highest equivalent values, in microseconds, shared by every repeat of both sides), so
 * that a resampled set of seconds is summed in an array rather than merged as histograms.
 */
export interface SecondSample {
  /** Successful transactions completed in the second. */
  ok: number;
  spanMs: number;
  /** Indexes into `ValueTable.valuesUs`, ascending, and the count at each. */
  index: Int32Array;
  count: Float64Array;
}

/** One valid repeat: its steady seconds. */
export interface RepeatSample {
  /** The repeat's 1-based index in its baseline, for messages. */
  repeat: number;
  seconds: SecondSample[];
}

/** The distinct latency values (µs, ascending) every `SecondSample.index` points into. */
export interface ValueTable {
  valuesUs: Float64Array;
}

/** The buckets of a repeat's timeline, before their values are indexed. */
interface RawSecond {
  ok: number;
  spanMs: number;
  values: number[];
  counts: number[];
}

function rawSecond(b: TimelineBucket): RawSecond {
  const values: number[] = [];
  const counts: number[] = [];
  if (b.latencyHistUs) {
    const h = decodeHistogram(b.latencyHistUs);
    try {
      // hdr-histogram-js exposes its iterator only on the JS implementation, which decoding returns.
      const it = (h as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
      it.reset();
      while (it.hasNext()) {
        const v = it.next();
        if (v.countAtValueIteratedTo > 0) {
          values.push(v.valueIteratedTo);
          counts.push(v.countAtValueIteratedTo);
        }
      }
    } finally {
      h.destroy();
    }
  }
  return { ok: b.ok, spanMs: b.spanMs > 0 ? b.spanMs : 1000, values, counts };
}

/**
 * Builds samples of both sides over one value table. `warmupMs`: seconds starting before it are
 * left out (the record's warm-up), as are seconds that cover no time.
 */
export function repeatSamples(
  sides: { a: { repeat: number; buckets: readonly TimelineBucket[] }[]; b: { repeat: number; buckets: readonly TimelineBucket[] }[] },
  warmupMs = 0,
): { table: ValueTable; a: RepeatSample[]; b: RepeatSample[] } {
  const raw = (list: typeof sides.a) =>
    list.map((r) => ({ repeat: r.repeat, seconds: r.buckets.filter((b) => b.second * 1000 >= warmupMs && b.spanMs !== 0).map(rawSecond) }));
  const rawA = raw(sides.a);
  const rawB = raw(sides.b);
  const distinct = new Set<number>();
  for (const r of [...rawA, ...rawB]) for (const s of r.seconds) for (const v of s.values) distinct.add(v);
  const valuesUs = Float64Array.from([...distinct].sort((x, y) => x - y));
  const at = new Map<number, number>();
  valuesUs.forEach((v, i) => at.set(v, i));
  const indexed = (list: typeof rawA): RepeatSample[] =>
    list.map((r) => ({
      repeat: r.repeat,
      seconds: r.seconds.map((s) => ({ ok: s.ok, spanMs: s.spanMs, index: Int32Array.from(s.values, (v) => at.get(v) as number), count: Float64Array.from(s.counts) })),
    }));
  return { table: { valuesUs }, a: indexed(rawA), b: indexed(rawB) };
}
