import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readTimeline } from '../../load/timeline-reader.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { TIMELINE_FILE } from '../../load/timeline-writer.js';
import { PercentileReader } from './histogram-percentiles.js';

/** More points than this are merged into windows of several seconds (a one-hour soak stays per second). */
export const MAX_POINTS = 4000;

/**
 * The load's timeline as chart series: one array per series, one value per point, on the run's
 * time axis (seconds since the load started). Latencies are in milliseconds, null where nothing
 * succeeded; counts are rates per second over the time each point covers (a run's last second is
 * usually cut short), to three significant digits where not whole.
 */
export interface TimelineSeries {
  /** Epoch ms of second 0, the load's start. */
  startMs: number;
  /** Seconds a point covers: 1, or more when a long run was merged into windows. */
  pointSeconds: number;
  /** Start of each point, seconds since the load's start. */
  seconds: number[];
  attempts: number[];
  ok: number[];
  errors: number[];
  /** Failed attempts per second by error class (only the classes that occurred). */
  errorsByClass: Record<string, number[]>;
  latencyP50Ms: (number | null)[];
  latencyP95Ms: (number | null)[];
  latencyP99Ms: (number | null)[];
  /** Schedule lag (send time minus due time), 99th percentile. */
  lagP99Ms: (number | null)[];
  /** Histograms that could not be read (their points are null). */
  unreadable: number;
}

/** Reads a run directory's `timeline.ndjson` into series; undefined when the run has no timeline (no soak ran). */
export async function readTimelineSeries(runDir: string, o: { maxPoints?: number } = {}): Promise<TimelineSeries | undefined> {
  const file = join(runDir, TIMELINE_FILE);
  if (!(await stat(file).catch(() => undefined))) return undefined;
  const buckets = await readTimeline(file);
  return buckets.length ? timelineSeries(buckets, o) : undefined;
}

/**
 * Turns timeline buckets into series. Percentiles come from each second's histograms (merged per
 * window when the run has more than `maxPoints` seconds), never from averaging percentiles.
 */
export function timelineSeries(buckets: readonly TimelineBucket[], o: { maxPoints?: number } = {}): TimelineSeries {
  const sorted = [...buckets].sort((a, b) => a.t - b.t);
  const startMs = sorted[0]?.t ?? 0;
  const lastSecond = sorted.length ? Math.round(((sorted[sorted.length - 1]?.t ?? startMs) - startMs) / 1000) : 0;
  const pointSeconds = Math.max(1, Math.ceil((lastSecond + 1) / (o.maxPoints ?? MAX_POINTS)));
  const classes = [...new Set(sorted.flatMap((b) => Object.keys(b.errors)))].sort();
  const s: TimelineSeries = {
    startMs,
    pointSeconds,
    seconds: [],
    attempts: [],
    ok: [],
    errors: [],
    errorsByClass: Object.fromEntries(classes.map((c) => [c, []])),
    latencyP50Ms: [],
    latencyP95Ms: [],
    latencyP99Ms: [],
    lagP99Ms: [],
    unreadable: 0,
  };
  const latency = new PercentileReader();
  const lag = new PercentileReader();
  let i = 0;
  while (i < sorted.length) {
    // One point: the buckets whose second falls in the same window.
    const window = Math.floor(Math.round((sorted[i]!.t - startMs) / 1000) / pointSeconds);
    let spanMs = 0;
    let attempts = 0;
    let ok = 0;
    let errors = 0;
    const byClass: Record<string, number> = {};
    latency.reset();
    lag.reset();
    let readable = true;
    for (; i < sorted.length && Math.floor(Math.round((sorted[i]!.t - startMs) / 1000) / pointSeconds) === window; i++) {
      const b = sorted[i]!;
      spanMs += b.spanMs;
      attempts += b.attempts;
      ok += b.ok;
      for (const [cls, n] of Object.entries(b.errors)) {
        errors += n ?? 0;
        byClass[cls] = (byClass[cls] ?? 0) + (n ?? 0);
      }
      try {
        latency.add(b.latencyHistUs);
        // A single second carries its schedule lag p99 already; windows need the merged histogram.
        if (pointSeconds > 1) lag.add(b.lagHistUs);
      } catch {
        readable = false;
      }
    }
    // Rates over the time the window's buckets cover: a run's last second is usually shorter.
    const perSecond = (n: number): number => {
      const rate = spanMs > 0 ? (n * 1000) / spanMs : n;
      return Number.isInteger(rate) ? rate : round(rate);
    };
    s.seconds.push(window * pointSeconds);
    s.attempts.push(perSecond(attempts));
    s.ok.push(perSecond(ok));
    s.errors.push(perSecond(errors));
    for (const cls of classes) s.errorsByClass[cls]!.push(perSecond(byClass[cls] ?? 0));
    if (!readable) s.unreadable++;
    const [p50, p95, p99] = readable && latency.count ? latency.percentiles([50, 95, 99]).map(usToMs) : [null, null, null];
    s.latencyP50Ms.push(p50 ?? null);
    s.latencyP95Ms.push(p95 ?? null);
    s.latencyP99Ms.push(p99 ?? null);
    if (pointSeconds === 1) s.lagP99Ms.push(sorted[i - 1]!.attempts > 0 ? round(sorted[i - 1]!.lagMs.p99) : null);
    else s.lagP99Ms.push(readable && lag.count ? usToMs(lag.percentiles([99])[0]!) : null);
  }
  return s;
}

function usToMs(us: number): number {
  return round(us / 1000);
}

/** Three significant digits: what a chart can show, and a third of the bytes. */
export function round(n: number): number {
  if (n === 0 || !Number.isFinite(n)) return n;
  return Number(n.toPrecision(3));
}
