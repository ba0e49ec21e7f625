import type { AttemptOutcomeKind } from './ledger-types.js';
import type { ErrorClass } from './error-class.js';
import { encodeHistogram, newHistogram, recordMs, summariseHistogram, type Histogram } from './latency-histogram.js';
import type { OperationCounts, TimelineBucket } from './timeline-types.js';
import { type ServerIdentity, serverKey } from './server-identity.js';

/** What the recorder needs to know about one completed attempt. */
export interface CompletedAttempt {
  op: string;
  ok: boolean;
  errorClass?: ErrorClass;
  /** From due time to completion. */
  latencyMs: number;
  /** Set for ledgered operations. */
  ledgered?: AttemptOutcomeKind;
  /** The server a successful attempt ran on, when known. */
  server?: ServerIdentity | undefined;
}

/**
 * Accumulates the current second of the load and emits it as a `TimelineBucket` when an event
 * (or `roll`) falls past its end. Times are `performance.now()` milliseconds; seconds are counted
 * from `startPerf`, so every bucket is exactly one second of the run whatever the timers did.
 * Two histograms are reused for the whole run: memory does not grow with its length.
 */
export class TimelineRecorder {
  private second = 0;
  private bucketEnd: number;
  private readonly lag: Histogram = newHistogram();
  private readonly latency: Histogram = newHistogram();
  private current = emptyCounts();
  private finished = false;

  constructor(
    startPerf: number,
    private readonly startEpoch: number,
    private readonly emit: (bucket: TimelineBucket) => void,
    private readonly inFlight: () => number = () => 0,
  ) {
    this.bucketEnd = startPerf + 1000;
  }

  /** An attempt was sent at `atPerf`, `lagMs` after it was due. */
  dispatched(atPerf: number, lagMs: number, op: string): void {
    this.roll(atPerf);
    this.current.attempts++;
    this.opCounts(op).attempts++;
    recordMs(this.lag, lagMs);
  }

  /** An attempt completed at `atPerf`. */
  completed(atPerf: number, a: CompletedAttempt): void {
    this.roll(atPerf);
    const ops = this.opCounts(a.op);
    if (a.ok) {
      this.current.ok++;
      ops.ok++;
      recordMs(this.latency, a.latencyMs);
      if (a.server) {
        const writers = (this.current.writers ??= {});
        const entry = (writers[serverKey(a.server)] ??= { ok: 0, primary: !a.server.inRecovery, firstOkMs: Math.max(0, Math.round(atPerf - (this.bucketEnd - 1000))) });
        entry.ok++;
      }
    } else {
      ops.failed++;
      const cls = a.errorClass ?? 'other';
      this.current.errors[cls] = (this.current.errors[cls] ?? 0) + 1;
    }
    if (a.ledgered) this.current.ledgered[a.ledgered]++;
  }

  /** Emits every second that ended at or before `nowPerf` (empty ones included). */
  roll(nowPerf: number): void {
    while (!this.finished && nowPerf >= this.bucketEnd) {
      this.emitCurrent(1000);
      this.second++;
      this.bucketEnd += 1000;
    }
  }

  /** Emits the seconds up to `endPerf`, the last one partial; nothing more is recorded after. */
  finish(endPerf: number): void {
    this.roll(endPerf);
    if (this.finished) return;
    const span = endPerf - (this.bucketEnd - 1000);
    if (span > 0 || this.hasData()) this.emitCurrent(Math.max(0, Math.round(span)));
    this.finished = true;
  }

  private hasData(): boolean {
    return this.current.attempts > 0 || this.lag.totalCount > 0 || this.latency.totalCount > 0 || Object.keys(this.current.ops).length > 0;
  }

  private opCounts(op: string): OperationCounts {
    return (this.current.ops[op] ??= { attempts: 0, ok: 0, failed: 0 });
  }

  private emitCurrent(spanMs: number): void {
    const t = this.startEpoch + this.second * 1000;
    const lag = summariseHistogram(this.lag);
    const latency = summariseHistogram(this.latency);
    const bucket: TimelineBucket = {
      t,
      at: new Date(t).toISOString(),
      second: this.second,
      spanMs,
      attempts: this.current.attempts,
      ok: this.current.ok,
      errors: this.current.errors,
      ledgered: this.current.ledgered,
      inFlight: this.inFlight(),
      lagMs: { p50: lag.p50, p99: lag.p99, max: lag.max },
      latencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
      lagHistUs: encodeHistogram(this.lag),
      latencyHistUs: encodeHistogram(this.latency),
      ops: this.current.ops,
      ...(this.current.writers ? { writers: this.current.writers } : {}),
    };
    this.lag.reset();
    this.latency.reset();
    this.current = emptyCounts();
    this.emit(bucket);
  }
}

function emptyCounts(): Pick<TimelineBucket, 'attempts' | 'ok' | 'errors' | 'ledgered' | 'ops' | 'writers'> {
  return { attempts: 0, ok: 0, errors: {}, ledgered: { ok: 0, error: 0, unknown: 0 }, ops: {} };
}
