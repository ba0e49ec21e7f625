import type { ErrorClass } from '../error-class.js';
import type { AttemptOutcomeKind } from '../ledger-types.js';
import { newHistogram, recordMs, summariseHistogram, type HistogramSummaryMs } from '../latency-histogram.js';
import type { LedgeredCounts } from '../timeline-types.js';
import { ErrorSampler, type ErrorMessages } from '../error-samples.js';

/** Whole-run counts and histograms of a load (the timeline has the same per second). */
export interface RunTotalsSummary {
  /** Attempts sent (each one due on the schedule). */
  attempts: number;
  ok: number;
  failed: number;
  errors: Partial<Record<ErrorClass, number>>;
  /** The distinct messages behind `errors` (capped per class and in all), with counts and first times. */
  errorMessages: ErrorMessages;
  ledgered: LedgeredCounts & { attempts: number };
  lagMs: HistogramSummaryMs;
  /** Latency of successful attempts from their due time. */
  latencyMs: HistogramSummaryMs;
}

/** Accumulates the totals of a run in fixed memory. */
export class RunTotals {
  private readonly lag = newHistogram();
  private readonly latency = newHistogram();
  private readonly errors: Partial<Record<ErrorClass, number>> = {};
  private readonly sampler = new ErrorSampler();
  private readonly ledgered = { attempts: 0, ok: 0, error: 0, unknown: 0 };
  private attempts = 0;
  private ok = 0;
  private failed = 0;

  dispatched(lagMs: number, ledgered: boolean): void {
    this.attempts++;
    if (ledgered) this.ledgered.attempts++;
    recordMs(this.lag, lagMs);
  }

  completed(
    ok: boolean,
    errorClass: ErrorClass | undefined,
    latencyMs: number,
    ledgered: AttemptOutcomeKind | undefined,
    words?: { message: string; sqlState?: string },
    atEpochMs = Date.now(),
  ): void {
    if (ok) {
      this.ok++;
      recordMs(this.latency, latencyMs);
    } else {
      this.failed++;
      const cls = errorClass ?? 'other';
      this.errors[cls] = (this.errors[cls] ?? 0) + 1;
      this.sampler.add(cls, words ?? { message: 'no error message' }, atEpochMs);
    }
    if (ledgered) this.ledgered[ledgered]++;
  }

  summary(): RunTotalsSummary {
    return {
      attempts: this.attempts,
      ok: this.ok,
      failed: this.failed,
      errors: { ...this.errors },
      errorMessages: this.sampler.messages(),
      ledgered: { ...this.ledgered },
      lagMs: summariseHistogram(this.lag),
      latencyMs: summariseHistogram(this.latency),
    };
  }
}
