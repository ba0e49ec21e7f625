import type { TimelineBucket } from '../timeline-types.js';
import type { DegradedWindow } from './degraded-machine.js';
import { decodeHistogram } from '../latency-histogram.js';

/**
 * Degraded windows at one-second resolution from `timeline.ndjson`, for runs whose per-attempt
 * analysis did not finish (a crash): a second is degraded when it had successes, no errors, and
 * its slowest success took longer than the threshold. Consecutive degraded seconds make one window.
 */
export function degradedFromTimeline(buckets: readonly TimelineBucket[], thresholdMs: number): DegradedWindow[] {
  const windows: DegradedWindow[] = [];
  let current: DegradedWindow | undefined;
  for (const b of [...buckets].sort((x, y) => x.t - y.t)) {
    const errors = Object.values(b.errors).reduce((s: number, n) => s + (n ?? 0), 0);
    const slow = errors === 0 && b.ok > 0 && b.latencyMs.max > thresholdMs;
    if (slow) {
      if (current && current.end >= b.t) {
        current.end = b.t + b.spanMs;
        current.maxLatencyMs = Math.max(current.maxLatencyMs, b.latencyMs.max);
        current.slowAttempts += slowCount(b, thresholdMs);
      } else {
        current = { start: b.t, end: b.t + b.spanMs, durationMs: 0, slowAttempts: slowCount(b, thresholdMs), maxLatencyMs: b.latencyMs.max };
        windows.push(current);
      }
      current.durationMs = current.end - current.start;
    } else {
      current = undefined;
    }
  }
  return windows;
}

/** Successes of the second slower than the threshold, from its histogram (to its precision). */
function slowCount(b: TimelineBucket, thresholdMs: number): number {
  if (!b.latencyHistUs) return 1;
  const h = decodeHistogram(b.latencyHistUs);
  const total = h.totalCount;
  const threshold = thresholdMs * 1000;
  // The lowest percentile whose value is above the threshold, by bisection.
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) > threshold) hi = mid;
    else lo = mid;
  }
  return Math.max(1, Math.round((total * (100 - hi)) / 100));
}
