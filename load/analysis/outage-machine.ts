import type { AttemptOutcome, OutageWindow } from '../outages.js';

/**
 * DESIGN.md's outage definition (load/outages.ts), fed one attempt at a time in due order, so a
 * soak of any length keeps only the windows, never the attempts. A window opens at the due time
 * of the first failed attempt after a success and closes at the completion of the next
 * successful attempt.
 *
 * Attempts run concurrently and complete out of due order (after a freeze, the requests queued
 * in the pool drain for a while), which the definition has to be read for:
 * - "the next successful attempt" is the first to complete among the successes due after the
 *   window opened: the first moment the server was seen serving again;
 * - a failure due before the window closed belongs to it (counted, not a new window): it was due
 *   while the outage lasted, even if its timeout fired after the server came back;
 * - a failure due less than `mergeGapMs` (the lane's resolution) after a window closed continues
 *   it: at the edges of an outage, concurrent attempts on different connections can succeed and
 *   fail within the same interval, and a success that short cannot be told from the outage.
 * With completions in due order and no gap this is exactly `outageWindows`; the unit tests hold
 * it to that.
 */
export class OutageMachine {
  private readonly closed: OutageWindow[] = [];
  private current: OutageWindow | undefined;
  private lastCompletion = -Infinity;
  private latestEnd = -Infinity;

  constructor(private readonly mergeGapMs = 0) {}

  /** Takes the next attempt in due order. */
  push(a: AttemptOutcome): void {
    this.lastCompletion = a.completedAt;
    const previous = this.closed[this.closed.length - 1];
    if (!a.ok) {
      // The open window; else the last one, if this was due while it lasted (counted there) or
      // within the merge gap after it (it continues); else a new one.
      const duringLast = previous && a.dueAt <= previous.end ? previous : undefined;
      const window = this.current ?? duringLast ?? this.reopen(a.dueAt) ?? this.openWindow(a.dueAt);
      window.failedAttempts++;
      const cls = a.errorClass ?? 'other';
      window.errorClasses[cls] = (window.errorClasses[cls] ?? 0) + 1;
    } else if (this.current) {
      this.current.end = a.completedAt;
      this.current.durationMs = this.current.end - this.current.start;
      this.latestEnd = this.current.end;
      this.closed.push(this.current);
      this.current = undefined;
    } else if (previous && a.completedAt < previous.end) {
      // Due later than the success that closed the window, but served earlier.
      previous.end = a.completedAt;
      previous.durationMs = previous.end - previous.start;
      this.latestEnd = previous.end;
    }
  }

  /** End of the latest closed window (-Infinity before any): attempts due by then were due during it. */
  get lastEnd(): number {
    return this.latestEnd;
  }

  /** The last window again, when a failure falls due within the merge gap after it closed. */
  private reopen(dueAt: number): OutageWindow | undefined {
    const previous = this.closed[this.closed.length - 1];
    if (!previous || dueAt > previous.end + this.mergeGapMs) return undefined;
    this.current = this.closed.pop();
    return this.current;
  }

  private openWindow(start: number): OutageWindow {
    this.current = { start, end: start, durationMs: 0, failedAttempts: 0, errorClasses: {} };
    return this.current;
  }

  /**
   * Removes and returns the windows that can no longer change: those ending (merge gap included)
   * before `dueAt`, the due time of every attempt still to come.
   */
  takeSettled(dueAt: number): OutageWindow[] {
    let n = 0;
    while (n < this.closed.length && (this.closed[n] as OutageWindow).end + this.mergeGapMs < dueAt) n++;
    return this.closed.splice(0, n);
  }

  /** Ends the run: every window, the one still open marked `open`, ending when the last attempt due completed. */
  finish(): OutageWindow[] {
    const all = this.closed.splice(0);
    if (this.current) {
      const w = this.current;
      w.end = Math.max(w.end, w.start, this.lastCompletion);
      w.durationMs = w.end - w.start;
      w.open = true;
      all.push(w);
      this.current = undefined;
    }
    return all;
  }
}
