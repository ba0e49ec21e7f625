import * as hdr from 'hdr-histogram-js';

/**
 * Latency and schedule-lag histograms: HDR histograms of integer microseconds with three
 * significant digits, serialised as the compressed base64 encoding every HdrHistogram port reads,
 * so per-second histograms can be merged into any window later (and with other drivers').
 */
export type Histogram = hdr.Histogram;

/** Percentiles of a histogram, in milliseconds. */
export interface HistogramSummaryMs {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** An empty histogram of microseconds. */
export function newHistogram(): Histogram {
  return hdr.build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, autoResize: true });
}

/** Records a duration given in milliseconds (kept to the microsecond; negative counts as 0). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(ms > 0 ? Math.round(ms * 1000) : 0);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded);
}

/** One histogram holding every value of the encoded ones. */
export function mergeHistograms(encoded: Iterable<string>): Histogram {
  const total = newHistogram();
  for (const e of encoded) {
    if (e) total.add(decodeHistogram(e));
  }
  return total;
}

/** Percentiles in milliseconds; zeros for an empty histogram. */
export function summariseHistogram(h: Histogram): HistogramSummaryMs {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const ms = (us: number) => us / 1000;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    // The top of the highest bucket, as after a round trip through the encoding (within 0.1%).
    max: ms(h.getValueAtPercentile(100)),
  };
}
