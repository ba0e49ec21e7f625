import type { ErrorClass } from '../error-class.js';
import { encodeHistogram, newHistogram, recordMs, summariseHistogram, type Histogram } from '../latency-histogram.js';
import type { OperationCounts, TimelineBucket } from '../timeline-types.js';
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
  /** Epoch ms of the first transaction sent (the repeat's start); undefined when none was logged. */
  originMs: number | undefined;
  /** Transactions logged over the whole repeat, warm-up included. */
  transactions: number;
  /** Failed transactions over the whole repeat, warm-up included. */
  failed: number;
}

const ERROR_CLASS: Record<Exclude<PgbenchStatus, 'ok'>, ErrorClass> = {
  failed: 'other',
  skipped: 'timeout',
  serialization: 'sqlstate-40001',
  deadlock: 'sqlstate-40P01',
};

/** One second being filled: the fields of a timeline bucket and its two histograms. */
interface Second {
  attempts: number;
  ok: number;
  errors: Partial<Record<ErrorClass, number>>;
  ops: Record<string, OperationCounts>;
  lag: Histogram;
  latency: Histogram;
}

/** A transaction is sent at its scheduled start plus its lag (`--rate`), or at its start; a failed one at its end. */
const sentMs = (t: PgbenchTransaction) => (t.latencyUs === undefined ? t.endUs : t.endUs - t.latencyUs + (t.lagUs ?? 0)) / 1000;

/**
 * Turns pgbench's per-transaction log into the soak's timeline, second by second as the soak's
 * recorder does (load/timeline-recorder.ts): attempts in the second they were sent, successes,
 * failures and latencies in the second they completed, the same HDR histograms. pgbench measures
 * latency from the scheduled start under `--rate`, as the Node driver measures it from the due
 * time. Warm-up seconds are left out; a transaction still running when the time was up completes
 * in the last second. `source` is read twice (the first pass finds the start), so the log is
 * streamed, never held: memory grows with the seconds, not the transactions.
 */
export async function logToTimeline(source: () => AsyncIterable<PgbenchTransaction> | Iterable<PgbenchTransaction>, o: LogTimelineOptions): Promise<LogTimeline> {
  let origin = Infinity;
  let failed = 0;
  let transactions = 0;
  for await (const t of source()) {
    transactions++;
    origin = Math.min(origin, sentMs(t));
    if (t.status !== 'ok') failed++;
  }
  const originMs = Number.isFinite(origin) ? origin : undefined;
  const start = (originMs ?? 0) + o.warmupMs;
  const end = start + o.durationMs;
  const count = Math.ceil(o.durationMs / 1000);
  const seconds: Second[] = Array.from({ length: originMs === undefined ? 0 : count }, () => ({ attempts: 0, ok: 0, errors: {}, ops: {}, lag: newHistogram(), latency: newHistogram() }));
  const op = (s: Second, script: number) => (s.ops[o.scriptNames[script] ?? `script-${script}`] ??= { attempts: 0, ok: 0, failed: 0 });
  const slot = (at: number) => seconds[Math.min(count - 1, Math.floor((at - start) / 1000))];
  if (originMs !== undefined) {
    for await (const t of source()) {
      const sent = sentMs(t);
      const sentIn = sent >= start && sent < end ? slot(sent) : undefined;
      if (sentIn) {
        sentIn.attempts++;
        op(sentIn, t.script).attempts++;
        recordMs(sentIn.lag, (t.lagUs ?? 0) / 1000);
      }
      const done = t.endUs / 1000;
      const doneIn = done >= start ? slot(Math.min(done, end - 0.001)) : undefined;
      if (!doneIn) continue;
      if (t.status === 'ok') {
        doneIn.ok++;
        op(doneIn, t.script).ok++;
        recordMs(doneIn.latency, (t.latencyUs ?? 0) / 1000);
      } else {
        const cls = ERROR_CLASS[t.status];
        doneIn.errors[cls] = (doneIn.errors[cls] ?? 0) + 1;
        op(doneIn, t.script).failed++;
      }
    }
  }
  const buckets = seconds.map((s, i): TimelineBucket => {
    const t = Math.round(start) + i * 1000;
    const lag = summariseHistogram(s.lag);
    const latency = summariseHistogram(s.latency);
    return {
      t,
      at: new Date(t).toISOString(),
      second: i,
      spanMs: Math.min(1000, o.durationMs - i * 1000),
      attempts: s.attempts,
      ok: s.ok,
      errors: s.errors,
      ledgered: { ok: 0, error: 0, unknown: 0 },
      // pgbench's log does not say what was in flight at a second's end.
      inFlight: 0,
      lagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
      latencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
      lagHistUs: encodeHistogram(s.lag),
      latencyHistUs: encodeHistogram(s.latency),
      ops: s.ops,
    };
  });
  return { buckets, originMs, transactions, failed };
}
