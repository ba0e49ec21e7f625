import type { ErrorClass } from '../error-class.js';
import { TimelineRecorder } from '../timeline-recorder.js';
import type { TimelineBucket } from '../timeline-types.js';
import type { PgbenchStatus, PgbenchTransaction } from './pgbench-log.js';

export interface LogTimelineOptions {
  /** The timeline's operation name of each script, by pgbench's script number. */
  scriptNames: readonly string[];
  /** Left out at the start (from the first transaction sent). */
  warmupMs: number;
  /** The steady seconds kept after the warm-up. */
  durationMs: number;
}

export interface LogTimeline {
  /** The steady seconds, from second 0, in the soak's timeline format. */
  buckets: TimelineBucket[];
  /** Epoch ms of the first transaction sent (the repeat's start). */
  originMs: number;
  /** Failed transactions over the whole repeat, warm-up included. */
  failed: number;
}

const ERROR_CLASS: Record<Exclude<PgbenchStatus, 'ok'>, ErrorClass> = {
  failed: 'other',
  skipped: 'timeout',
  serialization: 'sqlstate-40001',
  deadlock: 'sqlstate-40P01',
};

type LogEvent = { at: number; kind: 0; lagMs: number; op: string } | { at: number; kind: 1; op: string; ok: boolean; latencyMs: number; errorClass?: ErrorClass };

/**
 * Turns pgbench's per-transaction log into the soak's timeline: the same recorder, so the same
 * per-second HDR histograms. A transaction is sent at its scheduled start plus its lag (with
 * `--rate`; pgbench measures latency from the scheduled start, as the Node driver measures it from
 * the due time) or at its start, and completes at its logged time. Warm-up seconds are left out.
 */
export function logToTimeline(transactions: readonly PgbenchTransaction[], o: LogTimelineOptions): LogTimeline {
  const op = (script: number) => o.scriptNames[script] ?? `script-${script}`;
  const sentMs = (t: PgbenchTransaction) => (t.endUs - (t.latencyUs ?? 0) + (t.latencyUs !== undefined ? (t.lagUs ?? 0) : 0)) / 1000;
  let originMs = Infinity;
  let failed = 0;
  for (const t of transactions) {
    originMs = Math.min(originMs, sentMs(t));
    if (t.status !== 'ok') failed++;
  }
  if (!Number.isFinite(originMs)) originMs = Date.now();
  const start = originMs + o.warmupMs;
  const end = start + o.durationMs;
  const events: LogEvent[] = [];
  for (const t of transactions) {
    const sent = sentMs(t);
    const done = t.endUs / 1000;
    if (sent >= start && sent < end) events.push({ at: sent, kind: 0, lagMs: (t.lagUs ?? 0) / 1000, op: op(t.script) });
    if (done < start) continue;
    // A transaction still running when the time was up completes in the last second.
    const at = Math.min(done, end - 0.001);
    events.push(
      t.status === 'ok'
        ? { at, kind: 1, op: op(t.script), ok: true, latencyMs: (t.latencyUs ?? 0) / 1000 }
        : { at, kind: 1, op: op(t.script), ok: false, latencyMs: 0, errorClass: ERROR_CLASS[t.status] },
    );
  }
  events.sort((a, b) => a.at - b.at || a.kind - b.kind);
  const buckets: TimelineBucket[] = [];
  const recorder = new TimelineRecorder(start, Math.round(start), (b) => buckets.push(b));
  for (const e of events) {
    if (e.kind === 0) recorder.dispatched(e.at, e.lagMs, e.op);
    else recorder.completed(e.at, { op: e.op, ok: e.ok, latencyMs: e.latencyMs, ...(e.errorClass ? { errorClass: e.errorClass } : {}) });
  }
  recorder.finish(end);
  return { buckets, originMs, failed };
}
