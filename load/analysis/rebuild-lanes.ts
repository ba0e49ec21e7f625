import type { ExceptionalAttempt } from '../ledger-types.js';
import type { ErrorClass } from '../error-class.js';
import { outageWindows, type OutageWindow } from '../outages.js';
import type { DegradedWindow } from './degraded-machine.js';
import type { LaneAnalysis, LaneName } from './lane-tracker.js';
import type { WindowLogLine } from './window-log.js';
import type { TimelineBucket } from '../timeline-types.js';
import { degradedFromTimeline } from './timeline-degraded.js';

export interface LaneMeta {
  intervalMs: number;
  degradedThresholdMs: number;
}

/** A lane rebuilt from a run directory; `complete` is false when the harness died before it ended. */
export type RebuiltLane = LaneAnalysis & { complete: boolean };

/**
 * A lane's analysis from `windows.ndjson`, for `cutover verify`. After a crash the lane has no
 * closing line and the windows that had not settled are missing: for the driver lane they are
 * rebuilt from the ledger's exact records of failed attempts due after the last settled window
 * (their due and completion times are exact; the success that ended such a window is not on
 * disk, so it ends at its last failure, or stays open at the end of the run), and its stalls
 * from the timeline's seconds (one-second resolution).
 */
export function rebuildLane(
  lines: readonly WindowLogLine[],
  lane: LaneName,
  meta: LaneMeta,
  exceptions: readonly ExceptionalAttempt[] = [],
  timeline: readonly TimelineBucket[] = [],
): RebuiltLane {
  const outages: OutageWindow[] = [];
  const degraded: DegradedWindow[] = [];
  let end: Extract<WindowLogLine, { kind: 'end' }> | undefined;
  for (const line of lines) {
    if (line.lane !== lane) continue;
    if (line.kind === 'end') end = line;
    else if (line.kind === 'outage') outages.push(stripOutage(line));
    else degraded.push(stripDegraded(line));
  }
  outages.sort((a, b) => a.start - b.start);
  degraded.sort((a, b) => a.start - b.start);
  if (!end && lane === 'driver') {
    outages.push(...tailWindows(outages, exceptions, meta.intervalMs));
    // Stalls that had not settled: from the timeline's seconds, after the last settled window.
    const after = [...outages, ...degraded].reduce((t, w) => Math.max(t, w.end), -Infinity);
    degraded.push(...degradedFromTimeline(timeline.filter((b) => b.t >= after), meta.degradedThresholdMs));
  }
  const failed = end?.failed ?? outages.reduce((s, w) => s + w.failedAttempts, 0);
  return {
    lane,
    intervalMs: meta.intervalMs,
    degradedThresholdMs: meta.degradedThresholdMs,
    attempts: end?.attempts ?? 0,
    ok: end?.ok ?? 0,
    failed,
    outages,
    degraded,
    outOfOrder: end?.outOfOrder ?? 0,
    complete: end !== undefined,
  };
}

/**
 * Windows of the failures after the last settled window. Consecutive failures further apart
 * than a gap no outage leaves (20 intervals, at least 200 ms: the load keeps attempting on
 * schedule through an outage) belong to different windows.
 */
function tailWindows(settled: readonly OutageWindow[], exceptions: readonly ExceptionalAttempt[], intervalMs: number): OutageWindow[] {
  const after = settled.reduce((t, w) => Math.max(t, w.end), -Infinity);
  const failures = exceptions.filter((e) => e.dueAt > after).sort((a, b) => a.dueAt - b.dueAt);
  const gap = Math.max(20 * intervalMs, 200);
  const groups: ExceptionalAttempt[][] = [];
  for (const f of failures) {
    const group = groups[groups.length - 1];
    const last = group?.[group.length - 1];
    if (group && last && f.dueAt - last.dueAt <= gap) group.push(f);
    else groups.push([f]);
  }
  return groups.map((group, i) => {
    const [w] = outageWindows(group.map((f) => ({ dueAt: f.dueAt, completedAt: f.completedAt, ok: false, errorClass: f.errorClass as ErrorClass })));
    const window = w as OutageWindow;
    window.end = Math.max(window.start, ...group.map((f) => f.completedAt));
    window.durationMs = window.end - window.start;
    if (i < groups.length - 1) delete window.open;
    return window;
  });
}

function stripOutage(line: Extract<WindowLogLine, { kind: 'outage' }>): OutageWindow {
  const { kind: _kind, lane: _lane, ...w } = line;
  return w;
}

function stripDegraded(line: Extract<WindowLogLine, { kind: 'degraded' }>): DegradedWindow {
  const { kind: _kind, lane: _lane, ...w } = line;
  return w;
}
