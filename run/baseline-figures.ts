import { mergeHistograms, type Histogram } from '../load/latency-histogram.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import type { BaselinePercentilesMs } from './baseline-record.js';

/** A repeat's figures over its steady seconds. */
export interface RepeatFigures {
  transactions: number;
  errors: number;
  tps: number;
  spanMs: number;
  latencyMs: BaselinePercentilesMs;
  lagMs: BaselinePercentilesMs;
}

/** Percentiles of a merged histogram, in milliseconds (zeros when empty). */
export function percentilesMs(h: Histogram): BaselinePercentilesMs {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: at(100), mean: Math.round(h.mean) / 1000 };
}

/** Sums and merges a repeat's seconds: percentiles from the merged histograms, never averaged. */
export function repeatFigures(buckets: readonly TimelineBucket[]): RepeatFigures {
  let transactions = 0;
  let errors = 0;
  let spanMs = 0;
  for (const b of buckets) {
    transactions += b.ok;
    spanMs += b.spanMs;
    for (const n of Object.values(b.errors)) errors += n ?? 0;
  }
  return {
    transactions,
    errors,
    spanMs,
    tps: spanMs > 0 ? Math.round((transactions / (spanMs / 1000)) * 1000) / 1000 : 0,
    latencyMs: percentilesMs(mergeHistograms(buckets.map((b) => b.latencyHistUs))),
    lagMs: percentilesMs(mergeHistograms(buckets.map((b) => b.lagHistUs))),
  };
}
