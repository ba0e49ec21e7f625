import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBaseline } from '../../run/baseline-run.js';
import type { BaselineEngineRunner, EngineRepeat } from '../../run/baseline-engine.js';
import type { BaselinePlan, BaselineTarget } from '../../run/baseline-plan.js';
import { TimelineRecorder } from '../../load/timeline-recorder.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { workloadByName } from '../../load/workloads/index.js';

const plan: BaselinePlan = { engine: 'pgbench', load: { kind: 'workload', workload: workloadByName('notifications'), label: 'notifications' }, rate: 100, clients: 4, durationMs: 2_000, warmupMs: 0, repeat: 2, schema: 'cutover_baseline' };
const target = (side: 'a' | 'b', port: number): BaselineTarget => ({ side, endpoint: { host: '127.0.0.1', port, database: 'app', user: 'u', sslmode: 'prefer' } });

/** Two seconds of `perSecond` successes of 1 ms each. */
function seconds(perSecond: number): TimelineBucket[] {
  const out: TimelineBucket[] = [];
  const rec = new TimelineRecorder(0, 1_000_000, (b) => out.push(b));
  for (let s = 0; s < 2; s++) {
    for (let i = 0; i < perSecond; i++) {
      const at = s * 1000 + (i * 1000) / perSecond;
      rec.dispatched(at, 0, 'op');
      rec.completed(at + 1, { op: 'op', ok: true, latencyMs: 1 });
    }
  }
  rec.finish(2_000);
  return out;
}

/** An engine whose repeats return what `script` says, in order, and that records the servers it ran on. */
function fakeEngine(script: (n: number) => Partial<EngineRepeat> | Error): BaselineEngineRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    prepare: async () => {},
    repeat: async (t) => {
      ran.push(t.side);
      const r = script(ran.length);
      if (r instanceof Error) throw r;
      return { buckets: seconds(100), startedAt: 0, endedAt: 2_000, failed: 0, abortedClients: 0, problems: [], ...r };
    },
  };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('runBaseline', () => {
  it('interleaves the sides (a1, b1, a2, b2), writes each repeat\'s timeline and all of them together', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-baseline-unit-'));
    const engine = fakeEngine(() => ({}));
    const lines: string[] = [];
    const { record, error } = await runBaseline(plan, engine, [target('a', 1), target('b', 2)], { runDir: dir, combinedTimeline: true, log: (l) => lines.push(l) });
    expect(error).toBeUndefined();
    expect(engine.ran).toEqual(['a', 'b', 'a', 'b']);
    expect(record.repeats.map((r) => [r.index, r.side, r.timeline])).toEqual([
      [1, 'a', 'baseline/a-1.timeline.ndjson'],
      [2, 'b', 'baseline/b-1.timeline.ndjson'],
      [3, 'a', 'baseline/a-2.timeline.ndjson'],
      [4, 'b', 'baseline/b-2.timeline.ndjson'],
    ]);
    expect(record.repeats[0]).toMatchObject({ transactions: 200, tps: 100, durationMs: 2_000, valid: true, latencyMs: { p50: 1, p99: 1 } });
    expect(record.valid).toBe(true);
    expect(lines[1]).toMatch(/^baseline b1 \(2\/4\) on u@127\.0\.0\.1:2\/app: 100\.0 tps, p50 1\.00 ms/);
    expect((await readFile(join(dir, 'baseline', 'b-2.timeline.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(2);
    expect((await readFile(join(dir, 'timeline.ndjson'), 'utf8')).trim().split('\n')).toHaveLength(8);
  });

  it('marks a repeat with an aborted client invalid, and the baseline with it, without averaging it away', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-baseline-unit-'));
    const engine = fakeEngine((n) => (n === 2 ? { abortedClients: 1, problems: ['client 0 aborted in command 1 (SQL) of script 0; perhaps the backend died while processing'] } : {}));
    const { record } = await runBaseline(plan, engine, [target('a', 1)], { runDir: dir });
    expect(record.repeats.map((r) => r.valid)).toEqual([true, false]);
    expect(record.repeats[1]!.invalidReason).toBe('1 client(s) aborted: client 0 aborted in command 1 (SQL) of script 0; perhaps the backend died while processing');
    expect(record).toMatchObject({ valid: false, invalidReason: expect.stringMatching(/^repeat a2 is invalid: 1 client\(s\) aborted/) });
  });

  it('stops when a server cannot be reached, and returns the error beside the record', async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-baseline-unit-'));
    const engine = fakeEngine((n) => (n === 2 ? { buckets: [], problems: ['connection to server at "127.0.0.1", port 1 failed: Connection refused'] } : {}));
    const { record, error } = await runBaseline({ ...plan, repeat: 3 }, engine, [target('a', 1)], { runDir: dir });
    expect(engine.ran).toHaveLength(2);
    expect(String(error)).toMatch(/went away during repeat a2: connection to server/);
    expect(record).toMatchObject({ valid: false, invalidReason: expect.stringMatching(/^could not complete: .*went away/) });
  });
});
