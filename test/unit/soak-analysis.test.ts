import { describe, expect, it } from 'vitest';
import { outageWindows, type AttemptOutcome } from '../../load/outages.js';
import { OutageMachine } from '../../load/analysis/outage-machine.js';
import { DegradedMachine } from '../../load/analysis/degraded-machine.js';
import { LaneTracker, type LaneAnalysis, type LaneWindow } from '../../load/analysis/lane-tracker.js';
import { combineLanes } from '../../load/analysis/combine-lanes.js';
import { stepFigures } from '../../load/analysis/step-breakdown.js';
import { soakSummary, soakPassed } from '../../load/analysis/soak-summary.js';

const ok = (dueAt: number, latency = 1): AttemptOutcome => ({ dueAt, completedAt: dueAt + latency, ok: true });
const fail = (dueAt: number, latency = 1, errorClass: AttemptOutcome['errorClass'] = 'refused'): AttemptOutcome => ({
  dueAt,
  completedAt: dueAt + latency,
  ok: false,
  errorClass,
});

function machineWindows(attempts: AttemptOutcome[]) {
  const m = new OutageMachine();
  for (const a of [...attempts].sort((x, y) => x.dueAt - y.dueAt)) m.push(a);
  return m.finish();
}

/** A deterministic pseudo-random sequence (mulberry32), so a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A run where every attempt completes before the next is due: completion order is due order. */
function randomRun(seed: number, n = 400): AttemptOutcome[] {
  const r = rng(seed);
  const attempts: AttemptOutcome[] = [];
  let down = false;
  for (let i = 0; i < n; i++) {
    if (r() < 0.05) down = !down;
    const latency = Math.floor(r() * 10);
    attempts.push(down && r() < 0.9 ? fail(i * 10, latency, r() < 0.5 ? 'refused' : 'timeout') : ok(i * 10, latency));
  }
  return attempts;
}

/** Both machines fed in due order, the way LaneTracker feeds them. */
function degradedWindows(attempts: AttemptOutcome[], thresholdMs: number) {
  const o = new OutageMachine();
  const d = new DegradedMachine(thresholdMs);
  for (const a of [...attempts].sort((x, y) => x.dueAt - y.dueAt)) {
    o.push(a);
    d.push(a, o.lastEnd);
  }
  return d.finish();
}

describe('OutageMachine (the outage definition, one attempt at a time)', () => {
  it('gives exactly what outageWindows gives when attempts complete in due order', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const attempts = randomRun(seed);
      expect(machineWindows(attempts), `seed ${seed}`).toEqual(outageWindows(attempts));
    }
  });

  it('makes one window of a freeze whose queued requests drain and time out after the thaw', () => {
    // Frozen from 0 to 2000 with a 1000 ms timeout: requests due before 1000 time out; those due
    // later queue in the pool and are served after the thaw, in no particular order, and some
    // time out while the queue drains. The server served again at 2040 (the earliest success).
    const attempts = [ok(-20), fail(0, 1000, 'timeout'), fail(500, 1000, 'timeout'), ok(1100, 1000), ok(1200, 840), fail(1300, 1000, 'timeout'), ok(1400, 700), ok(2200)];
    expect(outageWindows(attempts)).toHaveLength(2);
    expect(machineWindows(attempts)).toEqual([{ start: 0, end: 2040, durationMs: 2040, failedAttempts: 3, errorClasses: { timeout: 3 } }]);
  });

  it('opens a new window for a failure due after the last one closed', () => {
    const w = machineWindows([ok(0), fail(10), ok(20, 5), fail(40), ok(50)]);
    expect(w.map((x) => [x.start, x.end, x.failedAttempts])).toEqual([[10, 25, 1], [40, 51, 1]]);
  });

  it('makes one window of an outage whose edge flickers within the resolution', () => {
    // At 500/s (2 ms apart), one connection still answers 1 ms after another failed.
    const flicker = [ok(0), fail(2), ok(4, 1), fail(6), fail(8), ok(10)];
    expect(outageWindows(flicker)).toHaveLength(2);
    const m = new OutageMachine(2);
    for (const a of flicker) m.push(a);
    expect(m.finish()).toEqual([{ start: 2, end: 11, durationMs: 9, failedAttempts: 3, errorClasses: { refused: 3 } }]);
    // A success longer than the resolution separates two outages.
    const two = new OutageMachine(2);
    for (const a of [ok(0), fail(2), ok(4, 1), ok(6), ok(8), fail(10), ok(12)]) two.push(a);
    expect(two.finish()).toHaveLength(2);
  });

  it('settles a window only once no later-due attempt can change it', () => {
    const m = new OutageMachine();
    for (const a of [ok(0), fail(10), ok(20, 30)]) m.push(a);
    expect(m.takeSettled(30)).toEqual([]);
    expect(m.takeSettled(51)).toHaveLength(1);
  });
});

describe('DegradedMachine (successes slower than a threshold, no errors)', () => {
  it('opens at the due time of the first slow success and closes at the completion of the next fast one', () => {
    // A PAUSE from 20 to 600: attempts due in it complete at resume.
    expect(degradedWindows([ok(0), ok(10), ok(20, 580), ok(300, 300), ok(600, 2), ok(610)], 100)).toEqual([
      { start: 20, end: 602, durationMs: 582, slowAttempts: 2, maxLatencyMs: 580 },
    ]);
  });

  it('leaves the queued tail of an outage to the outage, and ends a stall where failures begin', () => {
    expect(degradedWindows([ok(0), fail(10, 1000), ok(100, 1900), ok(200, 1800), ok(2100)], 100)).toEqual([]);
    expect(degradedWindows([ok(0), ok(10, 500), fail(300), ok(400)], 100)).toEqual([{ start: 10, end: 300, durationMs: 290, slowAttempts: 1, maxLatencyMs: 500 }]);
  });
});

describe('LaneTracker', () => {
  it('puts attempts back in due order within its horizon and hands out settled windows as they settle', () => {
    const settled: LaneWindow[] = [];
    const t = new LaneTracker({ lane: 'driver', intervalMs: 10, horizonMs: 100, degradedThresholdMs: 50, onSettled: (w) => settled.push(w) });
    // Completion order: the failures at 20 and 30 finish before the success due at 10.
    for (const a of [ok(0), fail(20), fail(30), ok(10, 25), ok(40), ok(50)]) t.add(a);
    expect(t.state()).toMatchObject({ attempts: 6, ok: 4, failed: 2 });
    expect(t.serving).toBe(true);
    expect(settled).toEqual([]);
    t.advance(1_000);
    expect(settled).toEqual([{ kind: 'outage', start: 20, end: 41, durationMs: 21, failedAttempts: 2, errorClasses: { refused: 2 } }]);
    const a = t.finish();
    expect(a.outages).toHaveLength(1);
    expect(a.outOfOrder).toBe(0);
  });

  it('shows an outage under way at once, without waiting for the horizon', () => {
    const t = new LaneTracker({ lane: 'probe', intervalMs: 20, horizonMs: 5_000, degradedThresholdMs: 500 });
    t.add(ok(0));
    t.add(fail(20));
    t.add(fail(40));
    expect(t.state().outageSince).toBe(20);
    expect(t.serving).toBe(false);
    // A straggler due before the outage does not end it; a success due after it does.
    t.add(ok(15, 30));
    expect(t.serving).toBe(false);
    t.add(ok(60));
    expect(t.serving).toBe(true);
    const a = t.finish();
    expect(a.outages).toEqual([{ start: 20, end: 61, durationMs: 41, failedAttempts: 2, errorClasses: { refused: 2 } }]);
  });

  it('keeps memory bounded: only attempts younger than the horizon are buffered', () => {
    const t = new LaneTracker({ lane: 'driver', intervalMs: 1, horizonMs: 50, degradedThresholdMs: 500 });
    for (let i = 0; i < 100_000; i++) t.add(i % 10_000 < 100 ? fail(i) : ok(i));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a private field to prove the bound
    expect((t as any).buffer.size).toBeLessThan(60);
    expect(t.finish().outages).toHaveLength(10);
  });
});

function lane(partial: Partial<LaneAnalysis> & Pick<LaneAnalysis, 'lane' | 'intervalMs'>): LaneAnalysis {
  return { degradedThresholdMs: 500, attempts: 0, ok: 0, failed: 0, outages: [], degraded: [], outOfOrder: 0, ...partial };
}

describe('combineLanes (which lane the figures use)', () => {
  const driverOutage = { start: 1_000, end: 2_040, durationMs: 1_040, failedAttempts: 10, errorClasses: { refused: 10 } };
  const probeOutage = { start: 1_010, end: 2_005, durationMs: 995, failedAttempts: 50, errorClasses: { refused: 48, reset: 2 } };

  it('uses the load when it is at least as fine as the probe, and says so', () => {
    const d = combineLanes(lane({ lane: 'driver', intervalMs: 2, outages: [driverOutage] }), lane({ lane: 'probe', intervalMs: 20, outages: [probeOutage] }));
    expect(d.lane).toBe('driver');
    expect(d.resolutionMs).toBe(2);
    expect(d.downtimeMs).toBe(1_040);
    expect(d.note).toMatch(/resolution 2 ms, the load's attempt interval/);
  });

  it("uses the finer probe's edges, with the load's failed attempts, and keeps outages only the load saw", () => {
    const writesOnly = { start: 9_000, end: 9_500, durationMs: 500, failedAttempts: 5, errorClasses: { 'read-only': 5 } };
    const d = combineLanes(
      lane({ lane: 'driver', intervalMs: 100, outages: [driverOutage, writesOnly] }),
      lane({ lane: 'probe', intervalMs: 20, outages: [probeOutage] }),
    );
    expect(d.outages.map((w) => [w.lane, w.start, w.end, w.failedAttempts, w.resolutionMs])).toEqual([
      ['probe', 1_010, 2_005, 10, 20],
      ['driver', 9_000, 9_500, 5, 100],
    ]);
    expect(d.downtimeMs).toBe(1_495);
    expect(d.resolutionMs).toBe(100);
    expect(d.lane).toBe('probe+driver');
    expect(d.note).toMatch(/probe lane/);
  });

  it('reports the finest resolution when nothing failed', () => {
    const d = combineLanes(lane({ lane: 'driver', intervalMs: 100 }), lane({ lane: 'probe', intervalMs: 20 }));
    expect(d).toMatchObject({ outages: [], downtimeMs: 0, resolutionMs: 20 });
  });
});

describe('the --json contract and the step breakdown', () => {
  const downtime = combineLanes(
    lane({
      lane: 'driver',
      intervalMs: 20,
      outages: [
        { start: Date.UTC(2025, 0, 1, 0, 0, 1), end: Date.UTC(2025, 0, 1, 0, 0, 4), durationMs: 3_000, failedAttempts: 150, errorClasses: { refused: 149, 'admin-shutdown': 1 } },
        { start: Date.UTC(2025, 0, 1, 0, 0, 10), end: Date.UTC(2025, 0, 1, 0, 0, 10, 500), durationMs: 500, failedAttempts: 25, errorClasses: { reset: 25 } },
      ],
    }),
  );
  const ledger = { attempts: 1_000, confirmed: 990, lost: 1, recovered: 2, notCommitted: 7, failed: 0, unexpected: 0, duplicated: 0 };

  it('prints exactly the documented fields, durations in ms and ISO timestamps', () => {
    const s = soakSummary(ledger, downtime);
    expect(Object.keys(s)).toEqual(['attempts', 'confirmed', 'lost', 'recovered', 'notCommitted', 'failed', 'unexpected', 'duplicated', 'downtimeMs', 'resolutionMs', 'outages']);
    expect(s.outages[0]).toEqual({ start: '2025-01-01T00:00:01.000Z', end: '2025-01-01T00:00:04.000Z', durationMs: 3_000, failedAttempts: 150, errorClasses: { refused: 149, 'admin-shutdown': 1 } });
    expect(Object.keys(s.outages[1] as object)).toEqual(['start', 'end', 'durationMs', 'failedAttempts', 'errorClasses']);
    expect(s).toMatchObject({ downtimeMs: 3_500, resolutionMs: 20 });
    expect(soakPassed(s)).toBe(false);
    expect(soakPassed({ ...s, lost: 0 })).toBe(true);
  });

  it('gives each step the outages that began in it and the flagged ids due in it', () => {
    const t0 = Date.UTC(2025, 0, 1);
    const ids = { lost: [t0 + 2_000, t0 + 11_000], unexpected: [undefined, t0 + 2_500], duplicated: [t0 + 10_200] };
    const first = stepFigures({ startedAt: t0 + 500, endedAt: t0 + 3_000 }, downtime, ids);
    expect(first).toMatchObject({ downtimeMs: 3_000, failedAttempts: 150, lost: 1, unexpected: 1, duplicated: 0, downtimeResolutionMs: 20 });
    expect(first.outages).toHaveLength(1);
    const second = stepFigures({ startedAt: t0 + 9_000, endedAt: t0 + 12_000 }, downtime, ids);
    expect(second).toMatchObject({ downtimeMs: 500, failedAttempts: 25, lost: 1, unexpected: 0, duplicated: 1 });
    const quiet = stepFigures({ startedAt: t0 + 5_000, endedAt: t0 + 6_000 }, downtime, ids);
    expect(quiet).toMatchObject({ downtimeMs: 0, failedAttempts: 0, lost: 0, outages: [] });
  });

  it('gives an outage that opened a few ms before a step (an attempt already in flight) to the step it overlaps most', () => {
    const t0 = Date.UTC(2025, 0, 1);
    const wait = { startedAt: t0, endedAt: t0 + 1_004 };
    const restart = { startedAt: t0 + 1_004, endedAt: t0 + 3_500 };
    const spans = [wait, restart];
    const none = { lost: [], unexpected: [], duplicated: [] };
    expect(stepFigures(wait, downtime, none, spans)).toMatchObject({ downtimeMs: 0, failedAttempts: 0 });
    expect(stepFigures(restart, downtime, none, spans)).toMatchObject({ downtimeMs: 3_000, failedAttempts: 150 });
  });
});
