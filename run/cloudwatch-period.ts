const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The finest period (seconds) CloudWatch still keeps for data that is `ageMs` old: 1 s for
 * high-resolution custom metrics under 3 hours, 60 s under 15 days, 300 s under 63 days, an
 * hour beyond. AWS/RDS metrics are standard resolution: 60 s at best.
 */
export function finestPeriod(ageMs: number, highResolution = false): number {
  if (highResolution && ageMs < 3 * HOUR) return 1;
  if (ageMs < 15 * DAY) return 60;
  if (ageMs < 63 * DAY) return 300;
  return 3600;
}

/** The window widened to whole periods, as CloudWatch aligns them (StartTime down, EndTime up). */
export function alignWindow(startMs: number, endMs: number, periodS: number): { start: Date; end: Date } {
  const p = periodS * 1000;
  const start = Math.floor(startMs / p) * p;
  const end = Math.max(Math.ceil(endMs / p) * p, start + p);
  return { start: new Date(start), end: new Date(end) };
}

/** "one-minute", "5-minute", "one-second", "one-hour": how the report names a period. */
export function periodWords(periodS: number): string {
  if (periodS === 1) return 'one-second';
  if (periodS === 60) return 'one-minute';
  if (periodS === 3600) return 'one-hour';
  if (periodS % 60 === 0) return `${periodS / 60}-minute`;
  return `${periodS}-second`;
}
