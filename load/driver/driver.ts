import { openSession } from '../../core/session.js';
import { ledgerId, type LedgerWriter, type WriterIdentity } from '../ledger-types.js';
import { TimelineRecorder } from '../timeline-recorder.js';
import type { TimelineBucket } from '../timeline-types.js';
import { prepareWorkload } from '../workloads/prepare.js';
import { Attempt, type AttemptContext, type AttemptResult } from './attempt.js';
import { DeadlineQueue } from './deadline-queue.js';
import { ConnectionPool } from './connection-pool.js';
import { resolveDriverOptions, type DriverOptions, type ResolvedDriverOptions } from './driver-options.js';
import { operationMix, pickOperation, type MixOperation } from './operation-mix.js';
import { RateSchedule } from './rate-scheduler.js';
import { PreciseWake } from './precise-wake.js';
import { RecentIds } from './recent-ids.js';
import { RunTotals, type RunTotalsSummary } from './run-totals.js';
import { describeError } from '../error-samples.js';
import { seededRandom } from './seeded-random.js';

/** Within this many milliseconds of the next due time the schedule sleeps on the precise wake-up instead of a timer. */
const PRECISE_MS = 1.5;
/**
 * How early the precise wake-up is asked for: an eighth of the interval between attempts, within
 * [EARLY_MIN_MS, EARLY_MAX_MS]; what is left before the due time is passed through the event loop.
 * The wake-up is two of them (the worker's futex, then its message to the event loop: 70–100 µs
 * on an idle core, more when the core slept), which at low rates put the driver's median 0.2 ms
 * above pgbench's (one wake-up from ppoll); spinning the last 0.3 ms of a 5 ms interval costs 6 %
 * of a core and closes that. At high rates the event-loop stretch allocates on every turn (0.1 ms
 * of it at 4,000/s was half of the driver's garbage), so there it stays near the wake-up's own
 * latency and errs towards a few microseconds late.
 */
const EARLY_MIN_MS = 0.06;
const EARLY_MAX_MS = 0.3;

/** How early to be woken before a due time at `rate` attempts per second. */
export function earlyWakeMs(rate: number): number {
  return Math.min(EARLY_MAX_MS, Math.max(EARLY_MIN_MS, 1000 / rate / 8));
}

/** What a finished load did, as a whole. Times are epoch ms / ISO 8601, durations ms. */
export interface DriverResult extends RunTotalsSummary {
  writer: WriterIdentity;
  startedAt: string;
  endedAt: string;
  /** Epoch ms of the schedule's origin (attempt 0 was due then). */
  startEpochMs: number;
  /** Milliseconds the schedule ran. */
  durationMs: number;
  stoppedBy: 'duration' | 'signal';
  /** Attempts still in flight when the drain deadline passed (their connections were cut). */
  abandoned: number;
  /** Connections established and connection attempts failed; most open at once. */
  connections: { opened: number; failed: number; peakOpen: number };
}

/**
 * Runs a workload open-loop at a constant arrival rate: attempt i is due at start + i/rate (after
 * an optional ramp) whatever earlier attempts did; attempts that are due are sent at once, several
 * together if need be, and the lag between due and sent is measured, never absorbed. Each second
 * goes to `onSecond`, each ledgered outcome to the ledger, flushed every `flushIntervalMs`.
 * Resolves when the duration is over or the signal aborts, after draining attempts in flight and
 * closing every connection. Throws only when it cannot start (setup, ledger) or cannot keep its
 * records (a ledger flush or `onSecond` failed); the server failing is a measurement.
 */
export async function runDriver(options: DriverOptions): Promise<DriverResult> {
  const o = resolveDriverOptions(options);
  const mix = operationMix(o.workload, o.schema);
  let ledger: LedgerWriter;
  {
    await using db = await openSession(o.endpoint, { readOnly: false, applicationName: `${o.applicationName}-setup`, statementTimeoutMs: 60_000 });
    if (o.prepare) await prepareWorkload(db, o.workload, o.schema);
    ledger = await o.ledger({ db, schema: o.schema, workload: o.workload });
  }
  const pool = new ConnectionPool({
    endpoint: o.endpoint,
    size: o.connections,
    pipelineDepth: o.pipelineDepth,
    unnamedStatements: o.unnamedStatements,
    applicationName: o.applicationName,
    connectTimeoutMs: o.timeoutMs,
    backoff: o.reconnect,
  });
  try {
    const result = await new LoadRun(o, mix, ledger, pool).run();
    await ledger.flush();
    return result;
  } finally {
    // Every attempt has settled by now (run() drains), so the ledger's last records are in.
    await pool.close();
    await ledger.close();
  }
}

interface AttemptTag {
  op: MixOperation;
  lagMs: number;
  seq: number | undefined;
  id: string | undefined;
}

class LoadRun {
  private readonly schedule: RateSchedule;
  private readonly random: () => number;
  private readonly recent = new RecentIds();
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private readonly attemptContext: AttemptContext;
  private readonly totals = new RunTotals();
  private readonly writerKey: number;
  private startPerf = 0;
  private startEpoch = 0;
  private recorder!: TimelineRecorder;
  private next = 0;
  private nextSeq = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private tickImmediate: NodeJS.Immediate | undefined;
  private readonly wake = new PreciseWake();
  /** How early the precise wake-up is asked for (earlyWakeMs). */
  private readonly earlyMs: number;
  private readonly tickBound = () => this.tick();
  private readonly recentIds = () => this.recent.list();
  private secondTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private seconds: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;
  private failure: unknown;
  private stop!: (reason: 'duration' | 'signal') => void;

  constructor(
    private readonly o: ResolvedDriverOptions,
    private readonly mix: MixOperation[],
    private readonly ledger: LedgerWriter,
    private readonly pool: ConnectionPool,
  ) {
    this.schedule = new RateSchedule({ rate: o.rate, rampMs: o.rampMs });
    this.earlyMs = earlyWakeMs(o.rate);
    this.writerKey = ledger.writer.writerKey;
    this.random = seededRandom(o.seed ?? this.writerKey);
    this.attemptContext = {
      pool,
      statements: new DeadlineQueue<Attempt>(
        (a) => a.deadline,
        (a) => !a.settled,
        (a) => a.expire(),
      ),
      retireGraceMs: Math.min(o.timeoutMs, 1_000),
      settle: (attempt, result) => this.settle(attempt, result),
    };
  }

  async run(): Promise<DriverResult> {
    const stopped = new Promise<'duration' | 'signal'>((resolve) => (this.stop = resolve));
    const onAbort = () => this.stop('signal');
    this.o.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.o.signal?.aborted) this.stop('signal');
    this.startEpoch = Date.now();
    this.startPerf = performance.now();
    this.recorder = new TimelineRecorder(this.startPerf, this.startEpoch, (b) => this.emitSecond(b), () => this.inFlight);
    if (!this.o.signal?.aborted) this.tick();
    this.armSecond(1);
    this.flushTimer = setInterval(() => this.flushLedger(), this.o.flushIntervalMs);
    const stoppedBy = await stopped;
    this.o.signal?.removeEventListener('abort', onAbort);
    const endPerf = performance.now();
    clearTimeout(this.tickTimer);
    clearImmediate(this.tickImmediate);
    await this.wake.close();
    clearTimeout(this.secondTimer);
    clearInterval(this.flushTimer);
    const abandoned = await this.drain();
    this.attemptContext.statements.close();
    this.recorder.finish(performance.now());
    await this.seconds;
    await this.flushing;
    if (this.failure) throw this.failure;
    const { opened, failedConnects, peakOpen } = this.pool.stats();
    return {
      writer: this.ledger.writer,
      startedAt: new Date(this.startEpoch).toISOString(),
      endedAt: new Date(this.epoch(endPerf)).toISOString(),
      startEpochMs: this.startEpoch,
      durationMs: endPerf - this.startPerf,
      stoppedBy,
      abandoned,
      connections: { opened, failed: failedConnects, peakOpen },
      ...this.totals.summary(),
    };
  }

  private epoch(perf: number): number {
    return this.startEpoch + (perf - this.startPerf);
  }

  /** Sends every attempt that is due, then sleeps until the next one is. */
  private tick(): void {
    const end = this.o.durationMs ?? Infinity;
    for (;;) {
      const offset = this.schedule.dueOffsetMs(this.next);
      if (offset >= end) {
        this.stop('duration');
        return;
      }
      const due = this.startPerf + offset;
      const now = performance.now();
      if (due > now) {
        const wait = due - now;
        if (wait <= this.earlyMs) {
          // The last microseconds: come back through the event loop (I/O still runs in between).
          this.tickImmediate = setImmediate(this.tickBound);
        } else if (wait <= PRECISE_MS) {
          // Close to due: a timer would fire up to a millisecond late and spinning would keep a
          // core busy (see PreciseWake); sleep until earlyMs before due.
          this.wake.at(due - this.earlyMs, this.tickBound);
        } else {
          // Whole milliseconds, woken PRECISE_MS early: Node's timers have millisecond resolution
          // and fire late rather than early; the last stretch is left to the precise wake-up.
          this.tickTimer = setTimeout(this.tickBound, Math.max(1, Math.floor(wait - PRECISE_MS)));
        }
        return;
      }
      this.next++;
      this.dispatch(due, now);
    }
  }

  private dispatch(dueAt: number, sentAt: number): void {
    const op = pickOperation(this.mix, this.random());
    const ledgered = op.definition.kind === 'ledgered';
    let seq: number | undefined;
    let id: string | undefined;
    if (ledgered) {
      seq = this.nextSeq++;
      id = ledgerId(this.writerKey, seq).toString();
      this.ledger.beforeSend(seq);
    }
    const params = op.definition.params?.({ id, random: this.random, recentIds: this.recentIds }) ?? [];
    const lagMs = sentAt - dueAt;
    this.totals.dispatched(lagMs, ledgered);
    this.recorder.dispatched(sentAt, lagMs, op.definition.name);
    const tag: AttemptTag = { op, lagMs, seq, id };
    this.inFlight++;
    new Attempt(dueAt, dueAt + this.o.timeoutMs, op.statement, id === undefined ? params : [id, ...params], this.attemptContext, tag).start();
  }

  private settle(attempt: Attempt, result: AttemptResult): void {
    this.inFlight--;
    const { op, lagMs, seq, id } = attempt.tag as AttemptTag;
    try {
      this.complete(op, attempt.dueAt, lagMs, seq, id, result);
    } catch (error) {
      this.fail(error);
    }
    if (this.inFlight === 0) this.idle?.();
  }

  private complete(op: MixOperation, dueAt: number, lagMs: number, seq: number | undefined, id: string | undefined, r: AttemptResult): void {
    const ok = r.outcome === 'ok';
    const latencyMs = r.completedAt - dueAt;
    const ledgered = seq !== undefined ? r.outcome : undefined;
    this.recorder.completed(r.completedAt, { op: op.definition.name, ok, errorClass: r.errorClass, latencyMs, ledgered, server: r.server });
    // A failure keeps its words (capped), so a class such as `other` is never all a user learns.
    const words = ok ? undefined : failureWords(r);
    this.totals.completed(ok, r.errorClass, latencyMs, ledgered, words, this.epoch(r.completedAt));
    if (seq !== undefined && id !== undefined && ledgered) {
      if (ok) {
        this.ledger.record(seq, 'ok');
        this.recent.push(id);
      } else {
        this.ledger.record(seq, ledgered, { errorClass: r.errorClass ?? 'other', dueAt: this.epoch(dueAt), completedAt: this.epoch(r.completedAt) });
      }
    }
    this.o.onAttempt?.({
      op: op.definition.name,
      seq,
      id,
      outcome: r.outcome,
      ok,
      errorClass: r.errorClass,
      ...(words ? { message: words.message, ...(words.sqlState ? { sqlState: words.sqlState } : {}) } : {}),
      dueAt: this.epoch(dueAt),
      sentAt: r.sentAt === undefined ? undefined : this.epoch(r.sentAt),
      completedAt: this.epoch(r.completedAt),
      lagMs,
      latencyMs,
    });
  }

  /** The load cannot keep its records (a callback or the ledger threw): stop and report it. */
  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop('signal');
  }

  /** Closes each second on time, even when nothing happens in it. */
  private armSecond(k: number): void {
    const at = this.startPerf + k * 1000;
    this.secondTimer = setTimeout(() => {
      this.recorder.roll(performance.now());
      this.armSecond(k + 1);
    }, Math.max(0, at - performance.now()));
  }

  /** Makes the ledger durable up to now; one flush at a time. */
  private flushLedger(): void {
    if (this.flushing) return;
    this.flushing = this.ledger.flush().then(
      () => {
        this.flushing = undefined;
      },
      (error: unknown) => this.fail(error),
    );
  }

  private emitSecond(bucket: TimelineBucket): void {
    const onSecond = this.o.onSecond;
    if (!onSecond) return;
    this.seconds = this.seconds.then(() => onSecond(bucket)).catch((error: unknown) => this.fail(error));
  }

  /** Waits for attempts in flight up to the drain deadline, then cuts what is left. */
  private async drain(): Promise<number> {
    const allSettled = () => (this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.idle = resolve)));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.o.drainTimeoutMs)));
    const late = (await Promise.race([allSettled(), deadline])) === 'late';
    clearTimeout(timer);
    if (!late) return 0;
    const abandoned = this.inFlight;
    // Closing the pool refuses the waiters and cuts busy connections: their statements settle now.
    await this.pool.close();
    await allSettled();
    return abandoned;
  }
}

/** The words of a failed attempt: the pool's or the deadline's own message when it has one (with the cause's SQLSTATE), else the error's. */
function failureWords(r: AttemptResult): { message: string; sqlState?: string } {
  if (r.message === undefined) return describeError(r.error);
  const { sqlState } = describeError(r.error);
  return { message: r.message, ...(sqlState ? { sqlState } : {}) };
}
