/**
 * The open-loop schedule: attempt `i` is due at a fixed offset from the start, whatever earlier
 * attempts did, so a slow or failing server never slows the schedule down (no coordinated
 * omission). With a ramp the rate grows linearly from 0 to `rate` over `rampMs`, then holds.
 */
export interface ScheduleOptions {
  /** Attempts per second once ramped up. */
  rate: number;
  /** Milliseconds of linear ramp from 0 to `rate`; 0 for none. */
  rampMs?: number;
}

export class RateSchedule {
  readonly rate: number;
  readonly rampMs: number;
  /** Attempts due during the ramp (the area under the ramp), possibly fractional. */
  private readonly rampAttempts: number;

  constructor(options: ScheduleOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate)) throw new RangeError(`rate must be a positive number, got ${options.rate}`);
    const rampMs = options.rampMs ?? 0;
    if (!(rampMs >= 0) || !Number.isFinite(rampMs)) throw new RangeError(`rampMs must be zero or more, got ${rampMs}`);
    this.rate = options.rate;
    this.rampMs = rampMs;
    this.rampAttempts = (this.rate * rampMs) / 2000;
  }

  /**
   * Milliseconds from the start at which attempt `i` (from 0) is due. During a ramp the number of
   * attempts due by time t is rate·t²/(2·ramp), so attempt i is due at √(2·i·ramp/rate).
   */
  dueOffsetMs(i: number): number {
    if (i < this.rampAttempts) return Math.sqrt((2 * i * this.rampMs * 1000) / this.rate);
    return this.rampMs + ((i - this.rampAttempts) * 1000) / this.rate;
  }

  /** How many attempts fall due before `offsetMs` (those with a due offset strictly less). */
  countBefore(offsetMs: number): number {
    if (offsetMs <= 0) return 0;
    const exact =
      offsetMs <= this.rampMs
        ? (this.rate * offsetMs * offsetMs) / (2000 * this.rampMs)
        : this.rampAttempts + ((offsetMs - this.rampMs) * this.rate) / 1000;
    // Attempts 0..n-1 with dueOffset(n-1) < offset: n = ceil(exact), corrected for rounding.
    let n = Math.ceil(exact - 1e-9);
    while (n > 0 && this.dueOffsetMs(n - 1) >= offsetMs) n--;
    while (this.dueOffsetMs(n) < offsetMs) n++;
    return n;
  }
}
