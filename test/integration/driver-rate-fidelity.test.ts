import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runDriver } from '../../load/driver/index.js';
import { workloadByName } from '../../load/workloads/index.js';
import { TimelineWriter } from '../../load/timeline-writer.js';
import { readTimeline, summariseWindow } from '../../load/timeline-reader.js';
import { fileLedger, timerBaseline } from '../support/driver-harness.js';

/**
 * Rate fidelity, the short version (the 60 s one at half the sustainable maximum is in
 * `npm run bench`): the achieved rate within 1% of the target and the schedule lag small. The lag
 * is compared with a bare timer loop running alongside, because on a shared virtual machine the
 * host's preemptions alone put a timer's p99 over 2 ms; on a quiet machine the 2 ms bound applies.
 */
const RATE = 200;
const DURATION_MS = 20_000;

describe('Node driver rate fidelity', () => {
  it(`holds ${RATE}/s for ${DURATION_MS / 1000} s: every due attempt sent, rate within 1%, p99 schedule lag under 2 ms or the machine's own timer jitter`, async () => {
    await using server = await LocalServer.start({ version: '17', name: 'fidelity' });
    const runDir = await mkdtemp(join(tmpdir(), 'cutover-fidelity-'));
    try {
      const baseline = timerBaseline(RATE, DURATION_MS);
      let result;
      {
        await using timeline = await TimelineWriter.open(runDir);
        result = await runDriver({
          workload: workloadByName('writes-only'),
          endpoint: server.endpoint(),
          rate: RATE,
          durationMs: DURATION_MS,
          ledger: fileLedger(runDir, RATE),
          onSecond: (b) => timeline.append(b),
        });
      }
      const machine = await baseline;
      const expected = (RATE * DURATION_MS) / 1000;
      expect(result).toMatchObject({ attempts: expected, ok: expected, failed: 0 });
      const buckets = await readTimeline(runDir);
      const steady = summariseWindow(buckets.filter((b) => b.spanMs === 1000));
      expect(steady.attemptRate / RATE).toBeGreaterThan(0.99);
      expect(steady.attemptRate / RATE).toBeLessThan(1.01);
      expect(steady.okRate / RATE).toBeGreaterThan(0.99);
      expect(steady.okRate / RATE).toBeLessThan(1.01);
      const lag = summariseWindow(buckets).lagMs;
      console.log(
        `rate fidelity: ${steady.okRate.toFixed(2)}/s of ${RATE}/s; schedule lag p50 ${lag.p50.toFixed(3)} ms, p99 ${lag.p99.toFixed(3)} ms, max ${lag.max.toFixed(1)} ms; ` +
          `bare timer alongside p50 ${machine.p50.toFixed(3)} ms, p99 ${machine.p99.toFixed(3)} ms`,
      );
      expect(lag.count).toBe(expected);
      // Node's timers have millisecond granularity: half a millisecond late on average.
      expect(lag.p50).toBeLessThan(1.5);
      // The bound: 2 ms, or (when the host's preemptions put even a bare timer loop past that) the
      // loop's own p99 with room for the driver's work; a driver that lets lag build up fails either way.
      expect(lag.p99).toBeLessThan(Math.max(2, machine.p99 * 1.5 + 1));
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});
