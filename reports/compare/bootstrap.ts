import { pick, type Random } from './seeded-random.js';
import type { RepeatSample, SecondSample, ValueTable } from './repeat-samples.js';

/** What a side's figures are: latency percentiles (ms) at the asked points, and successes per second. */
export interface SideFigures {
  /** One per asked percentile, in milliseconds. */
  latencyMs: number[];
  /** Mean over the repeats of each repeat's successes per second (every repeat weighs the same). */
  tps: number;
}

/**
 * The value at a percentile of counts summed over a value table, read the way HdrHistogram reads
 * it (the first value whose cumulative count reaches percentile × total, rounded up, less one ulp
 * of floating-point error), so that figures with no resampling equal the merged histograms'
 * percentiles (`getValueAtPercentile`, which the baseline's own figures use).
 */
function percentileUs(acc: Float64Array, total: number, valuesUs: Float64Array, at: number): number {
  if (total === 0) return 0;
  const fp = (Math.min(at, 100) / 100) * total;
  const wanted = Math.max(1, Math.ceil(fp - ulp(fp)));
  let seen = 0;
  for (let i = 0; i < acc.length; i++) {
    seen += acc[i] as number;
    if (seen >= wanted) return valuesUs[i] as number;
  }
  return valuesUs[valuesUs.length - 1] ?? 0;
}

/** The distance from x to the next larger double (x > 0), as HdrHistogram's percentile reading uses it. */
function ulp(x: number): number {
  return x > 0 ? 2 ** (Math.floor(Math.log2(x)) - 52) : Number.MIN_VALUE;
}

/** Sums chosen seconds (one list per repeat) and reads the side's figures. */
function figures(table: ValueTable, chosen: readonly (readonly SecondSample[])[], percentiles: readonly number[], acc: Float64Array): SideFigures {
  acc.fill(0);
  let total = 0;
  let tpsSum = 0;
  for (const seconds of chosen) {
    let ok = 0;
    let span = 0;
    for (const s of seconds) {
      ok += s.ok;
      span += s.spanMs;
      for (let k = 0; k < s.index.length; k++) {
        const c = s.count[k] as number;
        const i = s.index[k] as number;
        acc[i] = (acc[i] as number) + c;
        total += c;
      }
    }
    tpsSum += span > 0 ? (ok * 1000) / span : 0;
  }
  return {
    latencyMs: percentiles.map((p) => percentileUs(acc, total, table.valuesUs, p) / 1000),
    tps: chosen.length > 0 ? tpsSum / chosen.length : 0,
  };
}

/** A side's figures over every second of every repeat: the point estimate. */
export function sideFigures(table: ValueTable, repeats: readonly RepeatSample[], percentiles: readonly number[]): SideFigures {
  return figures(table, repeats.map((r) => r.seconds), percentiles, new Float64Array(table.valuesUs.length));
}

/** Each repeat's own figures: what the spread between repeats is measured on. */
export function repeatFigures(table: ValueTable, repeats: readonly RepeatSample[], percentiles: readonly number[]): SideFigures[] {
  const acc = new Float64Array(table.valuesUs.length);
  return repeats.map((r) => figures(table, [r.seconds], percentiles, acc));
}

/**
 * A hierarchical (two-stage cluster) bootstrap of one side: draw the side's repeats with
 * replacement, then, within each drawn repeat, its seconds with replacement. Repeats are the
 * clusters because the noise that matters is between them (a shared machine drifts from one
 * minute to the next); seconds carry the noise within a repeat.
 */
export function bootstrapSide(table: ValueTable, repeats: readonly RepeatSample[], percentiles: readonly number[], iterations: number, random: Random): SideFigures[] {
  const acc = new Float64Array(table.valuesUs.length);
  const out: SideFigures[] = [];
  for (let i = 0; i < iterations; i++) {
    const chosen: SecondSample[][] = [];
    for (let r = 0; r < repeats.length; r++) {
      const repeat = repeats[pick(random, repeats.length)] as RepeatSample;
      const n = repeat.seconds.length;
      const seconds: SecondSample[] = [];
      for (let s = 0; s < n; s++) seconds.push(repeat.seconds[pick(random, n)] as SecondSample);
      chosen.push(seconds);
    }
    out.push(figures(table, chosen, percentiles, acc));
  }
  return out;
}
