import type { AttemptOutcome, OutageWindow } from '../outages.js';
import { DegradedMachine, type DegradedWindow } from './degraded-machine.js';
import { DueOrderBuffer } from './due-order-buffer.js';
import { OutageMachine } from './outage-machine.js';
import type { ErrorClass } from '../error-class.js';
import { ErrorSampler, type ErrorMessages, type ErrorSample } from '../error-samples.js';

/** The two lanes of a soak: the business load (the driver) and the probe's heartbeat. */
export type LaneName = 'driver' | 'probe';

export interface LaneTrackerOptions {
  lane: LaneName;
  /** Interval between attempts of this lane, ms: the resolution of its windows. */
  intervalMs: number;
  /**
   * The longest an attempt can take from its due time to its outcome (timeout plus schedule
   * lag, with margin). Attempts are put back in due order within this horizon.
   */
  horizonMs: number;
  /** A success slower than this (from its due time) is slow: see DegradedMachine. */
  degradedThresholdMs: number;
  /** Called once per window when it can no longer change, e.g. to append it to the run directory. */
  onSettled?(window: LaneWindow): void;
  /** Called with the first failure of each error class, as it completes (for a progress line). */
  onNewErrorClass?(sample: ErrorSample): void;
}

/** A settled window of one lane, as the run directory stores it. */
export type LaneWindow = ({ kind: 'outage' } & OutageWindow) | ({ kind: 'degraded' } & DegradedWindow);

/** What a lane looks like right now, in completion order, for progress lines and step waits. */
export interface LiveLaneState {
  attempts: number;
  ok: number;
  failed: number;
  /** Due time of the failure that began the outage under way, if one is. */
  outageSince?: number;
  /** Completion of the latest success. */
  lastOkAt?: number;
}

export interface LaneAnalysis {
  lane: LaneName;
  intervalMs: number;
  degradedThresholdMs: number;
  attempts: number;
  ok: number;
  failed: number;
  /** Failed attempts by class, and their distinct messages (capped); absent on lanes rebuilt from the windows file. */
  errors?: Partial<Record<ErrorClass, number>>;
  errorMessages?: ErrorMessages;
  outages: OutageWindow[];
  degraded: DegradedWindow[];
  /** Attempts that arrived after later-due ones had been analysed (beyond the horizon). */
  outOfOrder: number;
}

/**
 * Analyses one lane while the soak runs: attempts arrive as they complete, are put in due order
 * through a bounded buffer, and feed the outage and degraded-window machines. Memory is bounded
 * by the horizon, not by the run's length; settled windows are handed to `onSettled`.
 */
export class LaneTracker {
  private readonly buffer = new DueOrderBuffer();
  private readonly outage: OutageMachine;
  private readonly degraded: DegradedMachine;
  private readonly outages: OutageWindow[] = [];
  private readonly stalls: DegradedWindow[] = [];
  private readonly live: LiveLaneState = { attempts: 0, ok: 0, failed: 0 };
  private readonly errors: Partial<Record<ErrorClass, number>> = {};
  private readonly sampler = new ErrorSampler();
  private latestCompletion = -Infinity;
  private processedDue = -Infinity;
  private outOfOrder = 0;
  private finished: LaneAnalysis | undefined;

  constructor(readonly options: LaneTrackerOptions) {
    // Windows closer than the lane's resolution are one window (see OutageMachine).
    this.outage = new OutageMachine(options.intervalMs);
    this.degraded = new DegradedMachine(options.degradedThresholdMs);
  }

  /** Records one attempt's outcome, in any order. */
  add(a: AttemptOutcome): void {
    if (this.finished) return;
    const live = this.live;
    live.attempts++;
    if (a.ok) {
      live.ok++;
      live.lastOkAt = Math.max(live.lastOkAt ?? -Infinity, a.completedAt);
      // A success of an attempt due after the outage began means service is back.
      if (live.outageSince !== undefined && a.dueAt > live.outageSince) delete live.outageSince;
    } else {
      live.failed++;
      live.outageSince ??= a.dueAt;
      const cls = a.errorClass ?? 'other';
      this.errors[cls] = (this.errors[cls] ?? 0) + 1;
      const first = this.sampler.add(cls, { message: a.message ?? 'no error message', ...(a.sqlState ? { sqlState: a.sqlState } : {}) }, a.completedAt);
      if (first) this.options.onNewErrorClass?.(first);
    }
    if (a.dueAt < this.processedDue) {
      // Older than the horizon allowed for: analysed now, slightly out of order, and counted.
      this.outOfOrder++;
      this.feed(a);
    } else {
      this.buffer.push(a);
    }
    this.latestCompletion = Math.max(this.latestCompletion, a.completedAt);
    this.advance(this.latestCompletion);
  }

  /** Analyses the attempts due before `now - horizon`; call on a timer so quiet lanes settle. */
  advance(now: number): void {
    const through = now - this.options.horizonMs;
    for (let a = this.buffer.popThrough(through); a; a = this.buffer.popThrough(through)) this.feed(a);
    this.settle(through);
  }

  private feed(a: AttemptOutcome): void {
    this.processedDue = Math.max(this.processedDue, a.dueAt);
    this.outage.push(a);
    this.degraded.push(a, this.outage.lastEnd);
  }

  private settle(dueAt: number): void {
    for (const w of this.outage.takeSettled(dueAt)) {
      this.outages.push(w);
      this.options.onSettled?.({ kind: 'outage', ...w });
    }
    for (const w of this.degraded.takeSettled(dueAt)) {
      this.stalls.push(w);
      this.options.onSettled?.({ kind: 'degraded', ...w });
    }
  }

  /** Counters and the outage under way, in completion order (no horizon delay). */
  state(): Readonly<LiveLaneState> {
    return { ...this.live };
  }

  /** The distinct messages of the lane's failures so far (capped), e.g. to say why it never succeeded. */
  errorMessages(): ErrorMessages {
    return this.sampler.messages();
  }

  /** True once a success has been seen and no outage is under way. */
  get serving(): boolean {
    return this.live.lastOkAt !== undefined && this.live.outageSince === undefined;
  }

  /** Analyses everything left and returns the lane's figures; idempotent. */
  finish(): LaneAnalysis {
    if (!this.finished) {
      this.advance(Infinity);
      const lastOutages = this.outage.finish();
      const lastStalls = this.degraded.finish();
      for (const w of lastOutages) this.options.onSettled?.({ kind: 'outage', ...w });
      for (const w of lastStalls) this.options.onSettled?.({ kind: 'degraded', ...w });
      this.finished = {
        lane: this.options.lane,
        intervalMs: this.options.intervalMs,
        degradedThresholdMs: this.options.degradedThresholdMs,
        attempts: this.live.attempts,
        ok: this.live.ok,
        failed: this.live.failed,
        errors: { ...this.errors },
        errorMessages: this.sampler.messages(),
        outages: [...this.outages, ...lastOutages],
        degraded: [...this.stalls, ...lastStalls],
        outOfOrder: this.outOfOrder,
      };
    }
    return this.finished;
  }
}
