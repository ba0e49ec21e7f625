import { mergeHistograms, type Histogram } from '../../load/latency-histogram.js';

/** The percentiles a comparison shows, in milliseconds, with the number of values behind them. */
export interface LatencyPercentiles {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** The percentile names, in the order tables list them, with their labels. */
export const PERCENTILES = [
  { key: 'p50', label: 'p50', at: 50 },
  { key: 'p90', label: 'p90', at: 90 },
  { key: 'p95', label: 'p95', at: 95 },
  { key: 'p99', label: 'p99', at: 99 },
  { key: 'p999', label: 'p99.9', at: 99.9 },
  { key: 'max', label: 'max', at: 100 },
] as const;

export type PercentileKey = (typeof PERCENTILES)[number]['key'];

/** Percentiles (ms) of a histogram of microseconds; zeros for an empty one. */
export function percentilesOf(h: Histogram): LatencyPercentiles {
  const out: LatencyPercentiles = { count: h.totalCount, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  if (h.totalCount === 0) return out;
  for (const p of PERCENTILES) out[p.key] = h.getValueAtPercentile(p.at) / 1000;
  return out;
}

/**
 * Merges per-second histograms (compressed base64, microseconds) and reads the percentiles of the
 * whole: percentiles are never averaged across seconds.
 */
export function mergedPercentiles(encoded: Iterable<string>): LatencyPercentiles {
  const merged = mergeHistograms(encoded);
  try {
    return percentilesOf(merged);
  } finally {
    merged.destroy();
  }
}

/** The key of a percentile given as a number (99 -> p99, 99.9 -> p999); undefined for one a comparison does not compute. */
export function percentileKey(at: number): PercentileKey | undefined {
  return PERCENTILES.find((p) => p.at === at)?.key;
}
