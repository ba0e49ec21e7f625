import { mergeHistograms } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { ThresholdExpression } from '../../core/threshold-expression.js';
import type { ThresholdFigures } from './threshold-figures.js';

/** The latency percentiles thresholds ask for (p(N), med). */
export function wantedPercentiles(thresholds: readonly ThresholdExpression[]): number[] {
  return [...new Set(thresholds.filter((t) => t.percentile !== undefined).map((t) => t.percentile as number))];
}

/**
 * The latency figures of merged per-second histograms (µs), in ms: the asked percentiles are read
 * before the histogram is freed.
 */
export function latencyOf(encoded: Iterable<string>, percentiles: readonly number[]): Pick<ThresholdFigures, 'latency'> {
  const h = mergeHistograms(encoded);
  try {
    const count = h.totalCount;
    const read = (p: number) => (count ? h.getValueAtPercentile(p) / 1000 : 0);
    const at = new Map(percentiles.map((p) => [p, read(p)]));
    return {
      latency: { count, avg: count ? h.mean / 1000 : 0, min: count ? h.minNonZeroValue / 1000 : 0, max: read(100), percentile: (p) => at.get(p) ?? read(p) },
    };
  } finally {
    h.destroy();
  }
}

/** Latency, errors and TPS of timeline seconds: what a soak's thresholds judge. */
export function timelineFigures(buckets: readonly TimelineBucket[], thresholds: readonly ThresholdExpression[]): ThresholdFigures {
  let attempts = 0;
  let ok = 0;
  let failed = 0;
  let spanMs = 0;
  for (const b of buckets) {
    attempts += b.attempts;
    ok += b.ok;
    spanMs += b.spanMs;
    for (const n of Object.values(b.errors)) failed += n ?? 0;
  }
  return {
    ...latencyOf(
      buckets.map((b) => b.latencyHistUs),
      wantedPercentiles(thresholds),
    ),
    errors: { rate: attempts > 0 ? failed / attempts : 0, count: failed },
    tps: spanMs > 0 ? (ok * 1000) / spanMs : 0,
  };
}
