import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDuration, parsePositive } from '../../core/duration.js';
import { soakPlan, type SoakOptions } from '../../cli/soak-plan.js';
import { progressLine, summaryLines } from '../../cli/soak-lines.js';
import { SeqClock } from '../../load/analysis/seq-clock.js';
import { flaggedDueTimes } from '../../load/analysis/flagged-ids.js';
import { WindowLog, readWindowLog } from '../../load/analysis/window-log.js';
import { rebuildLane } from '../../load/analysis/rebuild-lanes.js';
import { degradedFromTimeline } from '../../load/analysis/timeline-degraded.js';
import { newHistogram, recordMs, encodeHistogram } from '../../load/latency-histogram.js';
import { ledgerId, type WriterLedger } from '../../load/ledger-types.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { SoakSummary } from '../../load/analysis/soak-summary.js';
import { reconnectFor } from '../../load/soak-run.js';

const plain = { bold: String, dim: String, red: String, green: String, yellow: String };

describe('duration and number flags', () => {
  it('reads 30s, 5m, 1h, 250ms, 1m30s and bare milliseconds', () => {
    expect(parseDuration('--duration', '30s')).toBe(30_000);
    expect(parseDuration('--duration', '5m')).toBe(300_000);
    expect(parseDuration('--duration', '1h')).toBe(3_600_000);
    expect(parseDuration('--duration', '250ms')).toBe(250);
    expect(parseDuration('--duration', '1m30s')).toBe(90_000);
    expect(parseDuration('--duration', '1500')).toBe(1_500);
    expect(parseDuration('--duration', '1.5s')).toBe(1_500);
  });

  it('names the flag, what it expects and what it got', () => {
    expect(() => parseDuration('--duration', '5 min')).toThrow('--duration: expected a duration such as 30s, 5m, 1h or 500ms (a bare number is milliseconds), got "5 min"');
    expect(() => parseDuration('--duration', '-5s')).toThrow(/got "-5s"/);
    expect(() => parseDuration('--timeout', '5ms', { minMs: 10, maxMs: 60_000 })).toThrow('--timeout: expected a duration between 10 ms and 1 min, got "5ms"');
    expect(() => parsePositive('--rate', '0')).toThrow('--rate: expected a number above 0, got "0"');
    expect(() => parsePositive('--rate', '')).toThrow(/got ""/);
    expect(() => parsePositive('--connections', '3.5', { integer: true })).toThrow('--connections: expected a whole number above 0, got "3.5"');
    expect(() => parsePositive('--rate', '1e9', { max: 100_000 })).toThrow('--rate: expected a number above 0 and at most 100000, got "1e9"');
  });
});

describe('soakPlan (every flag of cutover soak, validated before any connection)', () => {
  const base: SoakOptions = { rate: '100', duration: '30s', workload: 'notifications', driver: 'node', probe: true, probeInterval: '20ms', schema: 'cutover', timeout: '1s', degradedThreshold: '500ms' };

  it('gives the settings the soak runs with', () => {
    expect(soakPlan(base)).toMatchObject({ rate: 100, durationMs: 30_000, driver: 'node', probe: { intervalMs: 20 }, schema: 'cutover', timeoutMs: 1_000, degradedThresholdMs: 500, json: false });
    expect(soakPlan({ ...base, probe: false, connections: '8', json: true })).toMatchObject({ probe: false, connections: 8, json: true });
  });

  it('refuses a schema the soak does not own, a driver other than node, and an unknown workload', () => {
    expect(() => soakPlan({ ...base, schema: 'public' })).toThrow(/--schema: .*got "public"/);
    expect(() => soakPlan({ ...base, schema: 'pg_catalog' })).toThrow(/--schema/);
    expect(() => soakPlan({ ...base, driver: 'k6' })).toThrow(/--driver: expected node .*got "k6"/);
    expect(() => soakPlan({ ...base, workload: 'nope' })).toThrow(/--workload: expected one of/);
  });

  it('refuses a run directory that already holds files, so two soaks never share one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-plan-'));
    try {
      expect(soakPlan({ ...base, runDir: dir }).runDir).toBe(dir);
      await appendFile(join(dir, 'run.json'), '{}');
      expect(() => soakPlan({ ...base, runDir: dir })).toThrow(/--run-dir: expected a new or empty directory/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reconnects about as often as attempts fall due, 5 to 50 ms apart', () => {
    expect(reconnectFor(500)).toEqual({ initialMs: 5, maxMs: 5 });
    expect(reconnectFor(50)).toEqual({ initialMs: 5, maxMs: 20 });
    expect(reconnectFor(1)).toEqual({ initialMs: 5, maxMs: 50 });
  });
});

function bucket(second: number, over: Partial<TimelineBucket> = {}, latencies: number[] = [1, 2, 3]): TimelineBucket {
  const h = newHistogram();
  for (const l of latencies) recordMs(h, l);
  const t = Date.UTC(2025, 0, 1) + second * 1000;
  return {
    t,
    at: new Date(t).toISOString(),
    second,
    spanMs: 1000,
    attempts: latencies.length,
    ok: latencies.length,
    errors: {},
    ledgered: { ok: 0, error: 0, unknown: 0 },
    inFlight: 0,
    lagMs: { p50: 0, p99: 0, max: 0 },
    latencyMs: { p50: Math.min(...latencies), p99: Math.max(...latencies), max: Math.max(...latencies) },
    lagHistUs: encodeHistogram(newHistogram()),
    latencyHistUs: encodeHistogram(h),
    ops: {},
    ...over,
  };
}

describe('terminal lines', () => {
  it('shows rate, ok, errors by class, p99 and the outage under way', () => {
    const line = progressLine([bucket(3, { attempts: 100, ok: 90, errors: { refused: 8, reset: 2 } }), bucket(4, { attempts: 100, ok: 100 })], { attempts: 200, ok: 190, failed: 10, outageSince: 1_000 }, 2_500);
    expect(line).toBe('soak 5 s: 100/s, 190 ok, 10 errors (refused 8, reset 2), p99 3 ms, OUTAGE for 1,500 ms');
    expect(progressLine([bucket(0)], { attempts: 3, ok: 3, failed: 0 }, 0)).toMatch(/, no outage$/);
  });

  it('summarises the ledger, the downtime with its resolution, each outage, degraded windows and the gate', () => {
    const summary: SoakSummary = {
      attempts: 1_000,
      confirmed: 990,
      lost: 2,
      recovered: 1,
      notCommitted: 3,
      failed: 4,
      unexpected: 0,
      duplicated: 0,
      downtimeMs: 1_234,
      resolutionMs: 2,
      outages: [{ start: '2025-01-01T00:00:01.000Z', end: '2025-01-01T00:00:02.234Z', durationMs: 1_234, failedAttempts: 600, errorClasses: { refused: 590, 'starting-up': 10 } }],
    };
    const degraded = [{ start: Date.UTC(2025, 0, 1, 0, 0, 5), end: Date.UTC(2025, 0, 1, 0, 0, 7), durationMs: 2_000, slowAttempts: 40, maxLatencyMs: 1_900, lane: 'driver' as const, resolutionMs: 2 }];
    const lines = summaryLines(summary, { note: "resolution 2 ms, the load's attempt interval", degraded }, 500, plain);
    expect(lines).toEqual([
      'ledger: 1,000 ledgered attempts: 990 confirmed, 2 lost, 1 recovered, 3 not committed, 4 failed as the client was told, 0 unexpected, 0 duplicated',
      "downtime: 1,234 ms in 1 outage (resolution 2 ms, the load's attempt interval)",
      '  00:00:01.000 -> 00:00:02.234 UTC  1,234 ms, 600 failed attempts: refused 590, starting-up 10',
      'degraded: 2,000 ms in 1 window slower than 500 ms without errors',
      '  00:00:05.000 -> 00:00:07.000 UTC  2,000 ms, 40 slow successes, slowest 1,900 ms',
      'result: FAIL: 2 lost',
    ]);
  });
});

describe('what verify reads back from a run directory', () => {
  it('interpolates due times of ledger seqs from sparse anchors, and extrapolates at the ends', () => {
    const clock = new SeqClock(1_000);
    for (let seq = 0; seq <= 500; seq++) clock.observe(7, seq, 10_000 + seq * 10);
    expect(clock.toJSON()['7']).toHaveLength(6);
    expect(clock.dueAt(7, 150)).toBe(11_500);
    expect(clock.dueAt(7, 600)).toBe(16_000);
    expect(clock.dueAt(8, 1)).toBeUndefined();
    expect(SeqClock.fromJSON(clock.toJSON()).dueAt(7, 250)).toBe(12_500);
  });

  it('keeps the latest seq as the last anchor, so the last writes of a soak are not extrapolated past its end', () => {
    const clock = new SeqClock(1_000);
    for (let seq = 0; seq <= 100; seq++) clock.observe(7, seq, 10_000 + seq * 10);
    // The pace halves after the last one-a-second anchor (seq 100 at 11,000).
    for (let seq = 101; seq <= 140; seq++) clock.observe(7, seq, 11_000 + (seq - 100) * 20);
    expect(clock.dueAt(7, 140)).toBe(11_800);
    expect(clock.dueAt(7, 120)).toBe(11_400);
    expect(SeqClock.fromJSON(clock.toJSON()).dueAt(7, 140)).toBe(11_800);
  });

  it('gives flagged ids their due times: exact for recorded failures, interpolated for ok ones, none when never attempted', () => {
    const ledger: WriterLedger = {
      writer: { writerKey: 7, label: 't' },
      okRanges: [[0, 99]],
      exceptions: [{ seq: 100, outcome: 'error', errorClass: 'refused', dueAt: 55_555, completedAt: 55_556 }],
      reservedThrough: 120,
      closed: true,
    };
    const clock = SeqClock.fromJSON({ 7: [[0, 10_000], [100, 11_000]] });
    const id = (seq: number) => ledgerId(7, seq).toString();
    expect(flaggedDueTimes({ lost: [id(50)], unexpected: [id(100), id(5_000)], duplicated: [] }, [ledger], clock)).toEqual({ lost: [10_500], unexpected: [55_555, undefined], duplicated: [] });
  });

  it('rebuilds a lane from windows.ndjson, and after a crash the open outage from the ledger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-windows-'));
    try {
      const log = new WindowLog(dir);
      log.append('driver', { kind: 'outage', start: 1_000, end: 2_000, durationMs: 1_000, failedAttempts: 50, errorClasses: { refused: 50 } });
      log.append('driver', { kind: 'degraded', start: 3_000, end: 3_500, durationMs: 500, slowAttempts: 5, maxLatencyMs: 700 });
      // A line cut short by the crash.
      await appendFile(log.path, '{"lane":"driver","kind":"out');
      const lines = await readWindowLog(dir);
      expect(lines).toHaveLength(2);
      const failures = [5_000, 5_020, 5_040].map((dueAt, i) => ({ seq: 200 + i, outcome: 'unknown' as const, errorClass: 'reset', dueAt, completedAt: dueAt + 3 }));
      const lane = rebuildLane(lines, 'driver', { intervalMs: 20, degradedThresholdMs: 500 }, [{ seq: 1, outcome: 'error', errorClass: 'refused', dueAt: 1_500, completedAt: 1_501 }, ...failures]);
      expect(lane.complete).toBe(false);
      expect(lane.degraded).toHaveLength(1);
      expect(lane.outages).toEqual([
        { start: 1_000, end: 2_000, durationMs: 1_000, failedAttempts: 50, errorClasses: { refused: 50 } },
        { start: 5_000, end: 5_043, durationMs: 43, failedAttempts: 3, errorClasses: { reset: 3 }, open: true },
      ]);
      // A lane that finished has its closing line, and nothing is rebuilt from the ledger.
      const done = new WindowLog(await mkdtemp(join(tmpdir(), 'cutover-windows-done-')));
      done.append('driver', { kind: 'outage', start: 1_000, end: 2_000, durationMs: 1_000, failedAttempts: 50, errorClasses: { refused: 50 } });
      done.end({ lane: 'driver', intervalMs: 20, degradedThresholdMs: 500, attempts: 900, ok: 850, failed: 50, outages: [], degraded: [], outOfOrder: 0 });
      const finished = rebuildLane(await readWindowLog(dirname(done.path)), 'driver', { intervalMs: 20, degradedThresholdMs: 500 }, failures);
      await rm(dirname(done.path), { recursive: true, force: true });
      expect(finished).toMatchObject({ complete: true, attempts: 900, failed: 50 });
      expect(finished.outages).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds degraded seconds in the timeline: slow successes without errors', () => {
    const w = degradedFromTimeline([bucket(0), bucket(1, {}, [1, 800, 900]), bucket(2, {}, [700, 2]), bucket(3, { errors: { refused: 1 } }, [900]), bucket(4)], 500);
    expect(w).toEqual([{ start: Date.UTC(2025, 0, 1, 0, 0, 1), end: Date.UTC(2025, 0, 1, 0, 0, 3), durationMs: 2_000, slowAttempts: 3, maxLatencyMs: 900 }]);
  });
});
