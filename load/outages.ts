import type { ErrorClass } from './error-class.js';

/** One attempt as the analysis sees it: times in epoch milliseconds. */
export interface AttemptOutcome {
  /** When the schedule said it was due. */
  dueAt: number;
  /** When its outcome was known. */
  completedAt: number;
  ok: boolean;
  errorClass?: ErrorClass;
  /** The words of a failure (first line), and the server's SQLSTATE when it sent one. */
  message?: string;
  sqlState?: string;
}

export interface OutageWindow {
  start: number;
  end: number;
  durationMs: number;
  failedAttempts: number;
  errorClasses: Partial<Record<ErrorClass, number>>;
  /** True when the run ended before a success closed the window. */
  open?: boolean;
}

/**
 * Outage windows as DESIGN.md defines them: a window opens at the scheduled time of the first
 * failed attempt after a success and closes at the completion of the next successful attempt.
 * Attempts are taken in the order they were due.
 */
export function outageWindows(attempts: readonly AttemptOutcome[]): OutageWindow[] {
  const sorted = [...attempts].sort((a, b) => a.dueAt - b.dueAt);
  const windows: OutageWindow[] = [];
  let current: OutageWindow | undefined;
  for (const a of sorted) {
    if (!a.ok) {
      current ??= { start: a.dueAt, end: a.dueAt, durationMs: 0, failedAttempts: 0, errorClasses: {} };
      current.failedAttempts++;
      const cls = a.errorClass ?? 'other';
      current.errorClasses[cls] = (current.errorClasses[cls] ?? 0) + 1;
    } else if (current) {
      current.end = a.completedAt;
      current.durationMs = current.end - current.start;
      windows.push(current);
      current = undefined;
    }
  }
  if (current) {
    const last = sorted[sorted.length - 1];
    current.end = last ? Math.max(last.completedAt, current.start) : current.start;
    current.durationMs = current.end - current.start;
    current.open = true;
    windows.push(current);
  }
  return windows;
}
