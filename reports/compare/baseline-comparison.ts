import type { BaselineRecord, BaselineRepeat } from '../../run/baseline-record.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { bootstrapSide, repeatFigures, sideFigures, type SideFigures } from './bootstrap.js';
import { PERCENTILES, type PercentileKey } from './latency-percentiles.js';
import { repeatSamples } from './repeat-samples.js';
import { seededRandom } from './seeded-random.js';
import { judge, type SignificanceResult } from './significance.js';

/** One side of a baseline comparison as read from a run directory: the repeats it measured. */
export interface BaselineSideInput {
  /** How the comparison names it: `A`, `B`. */
  label: string;
  /** Where it came from, e.g. `runs/x (side a)`, `runs/y (blue)`. */
  source: string;
  record: BaselineRecord;
  repeats: { repeat: BaselineRepeat; buckets: readonly TimelineBucket[] }[];
}

/** How one repeat went, for the table of repeats. */
export interface RepeatRow {
  index: number;
  server: string;
  tps: number;
  p50Ms: number;
  p99Ms: number;
  valid: boolean;
  invalidReason?: string;
}

export interface BaselineSide {
  label: string;
  source: string;
  engine: BaselineRecord['engine'];
  workload: string;
  rate: number | null;
  clients: number;
  durationMs: number;
  repeats: RepeatRow[];
  /** Valid repeats: the only ones the figures use. */
  valid: number;
}

/** A figure of both sides, how it moved, and whether the move is beyond the noise. */
export interface MetricDifference {
  key: PercentileKey | 'tps';
  /** `latency p99`, `TPS`. */
  label: string;
  unit: 'ms' | '/s';
  /** Latency: a rise is worse. TPS: a fall is worse. */
  higherIsWorse: boolean;
  a: number;
  b: number;
  /** B/A − 1: +0.25 is 25% higher on B. */
  change: number;
  /** False when a side has fewer than two valid repeats: nothing is claimed, `reason` says why. */
  judged: boolean;
  reason?: string;
  stats?: SignificanceResult;
  significant: boolean;
  /** Significant and in the bad direction. */
  worse: boolean;
  direction: 'higher' | 'lower' | 'same';
}

export interface BaselineComparison {
  /** The confidence asked for, over all figures together. */
  confidence: number;
  /** Figures judged together: each interval is at 1 − (1 − confidence)/figures (Bonferroni). */
  figures: number;
  iterations: number;
  seed: number;
  a: BaselineSide;
  b: BaselineSide;
  metrics: MetricDifference[];
  notes: string[];
}

export interface BaselineCompareOptions {
  /** Default 0.95. */
  confidence?: number;
  /** Default 2000. */
  iterations?: number;
  /** Default 1: the same inputs give the same intervals. */
  seed?: number;
  /** Latency percentiles compared; p50 and p99 by default (a gate's percentile is added by the caller). */
  percentiles?: readonly PercentileKey[];
}

export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_ITERATIONS = 2000;
export const DEFAULT_SEED = 1;

function describeSide(input: BaselineSideInput, perRepeat: Map<number, SideFigures>): BaselineSide {
  const r = input.record;
  return {
    label: input.label,
    source: input.source,
    engine: r.engine,
    workload: r.workload,
    rate: r.rate,
    clients: r.clients,
    durationMs: r.durationMs,
    repeats: input.repeats.map(({ repeat }) => {
      const f = perRepeat.get(repeat.index);
      const row: RepeatRow = { index: repeat.index, server: repeat.server, tps: f?.tps ?? repeat.tps, p50Ms: f?.latencyMs[0] ?? repeat.latencyMs.p50, p99Ms: f?.latencyMs[1] ?? repeat.latencyMs.p99, valid: repeat.valid };
      if (repeat.invalidReason) row.invalidReason = repeat.invalidReason;
      return row;
    }),
    valid: input.repeats.filter((x) => x.repeat.valid).length,
  };
}

function notesOn(a: BaselineSideInput, b: BaselineSideInput): string[] {
  const notes: string[] = [];
  for (const s of [a, b]) {
    const invalid = s.repeats.filter((x) => !x.repeat.valid);
    if (invalid.length > 0) notes.push(`${s.label} (${s.source}): ${invalid.length} of ${s.repeats.length} repeats invalid and left out (${invalid.map((x) => `#${x.repeat.index}: ${x.repeat.invalidReason ?? 'invalid'}`).join('; ')})`);
  }
  const ra = a.record;
  const rb = b.record;
  if (ra.workload !== rb.workload) notes.push(`the baselines ran different workloads (${ra.workload} and ${rb.workload})`);
  if (ra.engine !== rb.engine) notes.push(`the baselines ran on different engines (${ra.engine} and ${rb.engine}): the engines' own overheads differ`);
  if (ra.rate !== rb.rate) notes.push(`the baselines ran at different rates (${ra.rate ?? 'max'} and ${rb.rate ?? 'max'})`);
  if (ra.clients !== rb.clients) notes.push(`the baselines ran with different client counts (${ra.clients} and ${rb.clients})`);
  if (ra.durationMs !== rb.durationMs) notes.push(`the repeats lasted ${ra.durationMs} ms and ${rb.durationMs} ms`);
  return notes;
}

/**
 * Compares two baselines figure by figure (latency percentiles, TPS): B/A, the interval of B/A,
 * and whether it excludes 1 at the configured confidence, the figures judged together.
 */
export function compareBaselines(a: BaselineSideInput, b: BaselineSideInput, options: BaselineCompareOptions = {}): BaselineComparison {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const seed = options.seed ?? DEFAULT_SEED;
  const keys = [...new Set<PercentileKey>(['p50', 'p99', ...(options.percentiles ?? [])])];
  const at = keys.map((k) => PERCENTILES.find((p) => p.key === k)?.at ?? 50);
  const valid = (s: BaselineSideInput) => s.repeats.filter((x) => x.repeat.valid).map((x) => ({ repeat: x.repeat.index, buckets: x.buckets }));
  const { table, a: sa, b: sb } = repeatSamples({ a: valid(a), b: valid(b) });
  const pointA = sideFigures(table, sa, at);
  const pointB = sideFigures(table, sb, at);
  const repA = repeatFigures(table, sa, at);
  const repB = repeatFigures(table, sb, at);
  const figures = keys.length + 1;
  const alpha = (1 - confidence) / figures;
  const judged = sa.length >= 2 && sb.length >= 2;
  const random = seededRandom(seed);
  const bootA = judged ? bootstrapSide(table, sa, at, iterations, random) : [];
  const bootB = judged ? bootstrapSide(table, sb, at, iterations, random) : [];
  const reason = judged ? undefined : `${sa.length < 2 ? 'A' : 'B'} has ${Math.min(sa.length, sb.length)} valid repeat(s): at least 2 per side are needed to measure the noise between repeats`;

  const metric = (key: MetricDifference['key'], label: string, unit: MetricDifference['unit'], higherIsWorse: boolean, get: (f: SideFigures) => number): MetricDifference => {
    const av = get(pointA);
    const bv = get(pointB);
    const m: MetricDifference = { key, label, unit, higherIsWorse, a: av, b: bv, change: av > 0 ? bv / av - 1 : 0, judged, significant: false, worse: false, direction: 'same' };
    if (!judged) {
      m.reason = reason as string;
      return m;
    }
    const stats = judge({ a: av, b: bv, repeatsA: repA.map(get), repeatsB: repB.map(get), bootA: bootA.map(get), bootB: bootB.map(get), alpha });
    m.stats = stats;
    m.significant = stats.significant;
    m.direction = stats.significant ? (stats.ratio > 1 ? 'higher' : 'lower') : 'same';
    m.worse = stats.significant && (stats.ratio > 1) === higherIsWorse;
    return m;
  };

  const metrics = [
    ...keys.map((k, i) => metric(k, `latency ${PERCENTILES.find((p) => p.key === k)?.label ?? k}`, 'ms', true, (f) => f.latencyMs[i] as number)),
    metric('tps', 'TPS', '/s', false, (f) => f.tps),
  ];
  const perRepeat = (side: typeof sa, figs: SideFigures[]) => new Map(side.map((r, i) => [r.repeat, figs[i] as SideFigures]));
  return {
    confidence,
    figures,
    iterations,
    seed,
    a: describeSide(a, perRepeat(sa, repA)),
    b: describeSide(b, perRepeat(sb, repB)),
    metrics,
    notes: notesOn(a, b),
  };
}
