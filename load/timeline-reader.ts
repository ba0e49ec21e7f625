import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { ErrorClass } from './error-class.js';
import { mergeHistograms, summariseHistogram, type HistogramSummaryMs } from './latency-histogram.js';
import type { LedgeredCounts, TimelineBucket } from './timeline-types.js';
import { TIMELINE_FILE } from './timeline-writer.js';

/**
 * Reads `timeline.ndjson` (a run directory or the file itself). A last line cut short by a
 * killed harness is ignored; any other malformed line is an input error naming its line number.
 */
export async function readTimeline(path: string): Promise<TimelineBucket[]> {
  const file = (await stat(path).catch(() => undefined))?.isDirectory() ? join(path, TIMELINE_FILE) : path;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CutoverError('input', `cannot read the timeline ${file}: ${(error as Error).message}`, { cause: error });
  }
  const lines = text.split('\n');
  const buckets: TimelineBucket[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      buckets.push(JSON.parse(line) as TimelineBucket);
    } catch (error) {
      // Only the very last line can be cut short, by a harness killed while writing it.
      if (i === lines.length - 1 && !text.endsWith('\n')) return;
      throw new CutoverError('input', `${file}:${i + 1}: not a timeline line (${(error as Error).message})`, { cause: error });
    }
  });
  return buckets;
}

/** A window of the timeline re-aggregated: counts summed, histograms merged. */
export interface TimelineWindow {
  /** Start of the first second and end of the last, epoch milliseconds. */
  from: number;
  to: number;
  /** Milliseconds covered (the sum of the buckets' spans). */
  spanMs: number;
  attempts: number;
  ok: number;
  failed: number;
  errors: Partial<Record<ErrorClass, number>>;
  ledgered: LedgeredCounts;
  /** Attempts sent per second over the window. */
  attemptRate: number;
  /** Successful completions per second over the window. */
  okRate: number;
  lagMs: HistogramSummaryMs;
  latencyMs: HistogramSummaryMs;
}

/**
 * Re-aggregates the seconds whose start lies in [from, to) (epoch ms; default: all of them).
 * Percentiles come from the merged histograms, never from averaging per-second percentiles.
 */
export function summariseWindow(buckets: readonly TimelineBucket[], window: { from?: number; to?: number } = {}): TimelineWindow {
  const from = window.from ?? -Infinity;
  const to = window.to ?? Infinity;
  const chosen = buckets.filter((b) => b.t >= from && b.t < to);
  const errors: Partial<Record<ErrorClass, number>> = {};
  const ledgered: LedgeredCounts = { ok: 0, error: 0, unknown: 0 };
  let attempts = 0;
  let ok = 0;
  let failed = 0;
  let spanMs = 0;
  for (const b of chosen) {
    attempts += b.attempts;
    ok += b.ok;
    spanMs += b.spanMs;
    for (const [cls, n] of Object.entries(b.errors) as [ErrorClass, number][]) {
      errors[cls] = (errors[cls] ?? 0) + n;
      failed += n;
    }
    ledgered.ok += b.ledgered.ok;
    ledgered.error += b.ledgered.error;
    ledgered.unknown += b.ledgered.unknown;
  }
  const first = chosen[0];
  const last = chosen[chosen.length - 1];
  const seconds = spanMs / 1000;
  return {
    from: first?.t ?? 0,
    to: last ? last.t + last.spanMs : 0,
    spanMs,
    attempts,
    ok,
    failed,
    errors,
    ledgered,
    attemptRate: seconds > 0 ? attempts / seconds : 0,
    okRate: seconds > 0 ? ok / seconds : 0,
    lagMs: summariseHistogram(mergeHistograms(chosen.map((b) => b.lagHistUs))),
    latencyMs: summariseHistogram(mergeHistograms(chosen.map((b) => b.latencyHistUs))),
  };
}
