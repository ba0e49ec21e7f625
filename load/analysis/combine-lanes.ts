import type { OutageWindow } from '../outages.js';
import type { DegradedWindow } from './degraded-machine.js';
import type { LaneAnalysis, LaneName } from './lane-tracker.js';

/** An outage window of the run's figures, with the lane that measured it and its resolution. */
export interface MeasuredOutage extends OutageWindow {
  lane: LaneName;
  resolutionMs: number;
}

export interface MeasuredDegraded extends DegradedWindow {
  lane: LaneName;
  resolutionMs: number;
}

/** The run's downtime figures and where they come from. */
export interface Downtime {
  outages: MeasuredOutage[];
  degraded: MeasuredDegraded[];
  downtimeMs: number;
  /** The coarsest resolution among the windows (the finest lane's interval when there are none). */
  resolutionMs: number;
  /** Which lane the figures come from: `probe` only when the probe is finer than the load. */
  lane: LaneName | 'probe+driver';
  /** One sentence saying so, for the summary and the report. */
  note: string;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start <= b.end && b.start <= a.end;

/**
 * The run's windows from the driver lane and, when there is one, the probe lane. The figures use
 * the finer lane: the probe when its interval is shorter than the load's. The probe only sees
 * what `SELECT 1` sees, so an outage of writes alone (a read-only server) is still counted from
 * the driver where the probe saw nothing. In a probe window, failed attempts and error classes
 * are the load's (what clients felt) when the load failed there, the probe's otherwise.
 */
export function combineLanes(driver: LaneAnalysis, probe?: LaneAnalysis): Downtime {
  const probeFiner = probe !== undefined && probe.intervalMs < driver.intervalMs;
  if (!probe || !probeFiner) {
    const outages = driver.outages.map((w) => ({ ...w, lane: 'driver' as const, resolutionMs: driver.intervalMs }));
    const degraded = driver.degraded.map((w) => ({ ...w, lane: 'driver' as const, resolutionMs: driver.intervalMs }));
    const note = probe
      ? `resolution ${fmt(driver.intervalMs)} ms, the load's attempt interval (the probe's ${fmt(probe.intervalMs)} ms is not finer)`
      : `resolution ${fmt(driver.intervalMs)} ms, the load's attempt interval`;
    return finish(outages, degraded, driver.intervalMs, 'driver', note);
  }
  const outages: MeasuredOutage[] = probe.outages.map((p) => {
    const felt = driver.outages.filter((d) => overlaps(d, p));
    const counts = felt.length > 0 ? sumCounts(felt) : { failedAttempts: p.failedAttempts, errorClasses: { ...p.errorClasses } };
    return { ...p, ...counts, lane: 'probe', resolutionMs: probe.intervalMs };
  });
  const driverOnly = driver.outages.filter((d) => !probe.outages.some((p) => overlaps(d, p)));
  outages.push(...driverOnly.map((w) => ({ ...w, lane: 'driver' as const, resolutionMs: driver.intervalMs })));
  const degraded: MeasuredDegraded[] = [
    ...probe.degraded.map((w) => ({ ...w, lane: 'probe' as const, resolutionMs: probe.intervalMs })),
    ...driver.degraded
      .filter((d) => !probe.degraded.some((p) => overlaps(d, p)))
      .map((w) => ({ ...w, lane: 'driver' as const, resolutionMs: driver.intervalMs })),
  ];
  const lane = driverOnly.length > 0 ? 'probe+driver' : 'probe';
  const note =
    `resolution ${fmt(probe.intervalMs)} ms from the probe lane (finer than the load's ${fmt(driver.intervalMs)} ms)` +
    (driverOnly.length > 0 ? `; ${driverOnly.length} outage(s) only the load saw are at ${fmt(driver.intervalMs)} ms` : '');
  return finish(outages, degraded, probe.intervalMs, lane, note);
}

function finish(outages: MeasuredOutage[], degraded: MeasuredDegraded[], finest: number, lane: Downtime['lane'], note: string): Downtime {
  outages.sort((a, b) => a.start - b.start);
  degraded.sort((a, b) => a.start - b.start);
  const resolutionMs = outages.reduce((r, w) => Math.max(r, w.resolutionMs), outages.length ? 0 : finest);
  return { outages, degraded, downtimeMs: outages.reduce((s, w) => s + w.durationMs, 0), resolutionMs, lane, note };
}

function sumCounts(windows: readonly OutageWindow[]): Pick<OutageWindow, 'failedAttempts' | 'errorClasses'> {
  const errorClasses: OutageWindow['errorClasses'] = {};
  let failedAttempts = 0;
  for (const w of windows) {
    failedAttempts += w.failedAttempts;
    for (const [cls, n] of Object.entries(w.errorClasses)) {
      const key = cls as keyof OutageWindow['errorClasses'];
      errorClasses[key] = (errorClasses[key] ?? 0) + (n ?? 0);
    }
  }
  return { failedAttempts, errorClasses };
}

/** Milliseconds for a sentence: whole when whole, else to 0.1 ms. */
function fmt(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}
