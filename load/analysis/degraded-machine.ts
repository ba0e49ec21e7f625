import type { AttemptOutcome } from '../outages.js';

/** A period with successes only, but slow ones: what a PgBouncer PAUSE or a frozen server looks like. */
export interface DegradedWindow {
  /** Due time of the first slow success, epoch ms. */
  start: number;
  /** Completion of the next fast success (or of the last slow one), epoch ms. */
  end: number;
  durationMs: number;
  /** Successes slower than the threshold in the window. */
  slowAttempts: number;
  /** The slowest success in the window, from its due time (schedule lag included). */
  maxLatencyMs: number;
  /** True when the run ended inside the window. */
  open?: boolean;
}

/**
 * Degraded windows, fed one attempt at a time in due order. An attempt is slow when it succeeded
 * more than `thresholdMs` after it was due (from the due time, so a stalled client's queue is
 * counted, not hidden). A window opens at the due time of the first slow success after a fast
 * one and closes at the completion of the next fast success, mirroring the outage definition.
 * Failures belong to outages: a failure ends a degraded window at its due time, and successes
 * due before the latest outage ended (its tail: requests queued through it) are not a stall.
 */
export class DegradedMachine {
  private readonly closed: DegradedWindow[] = [];
  private current: DegradedWindow | undefined;
  private lastCompletion = -Infinity;

  constructor(readonly thresholdMs: number) {}

  /** Takes the next attempt in due order, with the end of the latest outage window (OutageMachine.lastEnd). */
  push(a: AttemptOutcome, outageEnd = -Infinity): void {
    this.lastCompletion = a.completedAt;
    if (!a.ok) {
      if (this.current) this.close(Math.max(this.current.start, a.dueAt));
      return;
    }
    if (a.dueAt <= outageEnd) return;
    const latency = a.completedAt - a.dueAt;
    if (latency > this.thresholdMs) {
      if (!this.current) {
        const previous = this.closed[this.closed.length - 1];
        if (previous && a.dueAt <= previous.end) {
          this.closed.pop();
          this.current = previous;
        } else {
          this.current = { start: a.dueAt, end: a.completedAt, durationMs: 0, slowAttempts: 0, maxLatencyMs: 0 };
        }
      }
      this.current.slowAttempts++;
      this.current.maxLatencyMs = Math.max(this.current.maxLatencyMs, latency);
      this.current.end = Math.max(this.current.end, a.completedAt);
    } else if (this.current) {
      this.close(Math.max(this.current.end, a.completedAt));
    }
  }

  private close(end: number): void {
    const w = this.current as DegradedWindow;
    w.end = end;
    w.durationMs = w.end - w.start;
    this.closed.push(w);
    this.current = undefined;
  }

  /** Removes and returns the windows that can no longer change (ending before `dueAt`). */
  takeSettled(dueAt: number): DegradedWindow[] {
    let n = 0;
    while (n < this.closed.length && (this.closed[n] as DegradedWindow).end < dueAt) n++;
    return this.closed.splice(0, n);
  }

  /** Ends the run: every window, one still open marked `open`. */
  finish(): DegradedWindow[] {
    const all = this.closed.splice(0);
    if (this.current) {
      const w = this.current;
      w.end = Math.max(w.end, this.lastCompletion);
      w.durationMs = w.end - w.start;
      w.open = true;
      all.push(w);
      this.current = undefined;
    }
    return all;
  }
}
