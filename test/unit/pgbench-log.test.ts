import { describe, expect, it } from 'vitest';
import { logToTimeline, parseLogLine, compileWorkload, parseScriptSpec } from '../../load/pgbench/index.js';
import { workloadByName } from '../../load/workloads/index.js';
import { defineWorkload } from '../../load/workload-types.js';
import { decodeHistogram } from '../../load/latency-histogram.js';

describe('pgbench per-transaction log', () => {
  it('reads ok, failed and skipped lines, with the lag under --rate and without it', () => {
    expect(parseLogLine('0 1 4283 0 1796541186 21701 63', true)).toEqual({ client: 0, script: 0, status: 'ok', latencyUs: 4283, endUs: 1796541186021701, lagUs: 63 });
    // Without --rate the seventh field is the retries (--max-tries), not a lag.
    expect(parseLogLine('2 7 512 1 1796541186 5 3', false)).toEqual({ client: 2, script: 1, status: 'ok', latencyUs: 512, endUs: 1796541186000005 });
    expect(parseLogLine('1 3 serialization 0 1796541186 10 0', true)).toMatchObject({ status: 'serialization', lagUs: 0 });
    expect(parseLogLine('1 3 failed 0 1796541186 10', false)).not.toHaveProperty('latencyUs');
    expect(parseLogLine('1 3 12', false)).toBeUndefined();
  });

  it('turns transactions into steady seconds: sent at schedule + lag, done at the logged time, warm-up left out', async () => {
    const t0 = 1_796_541_186_000_000;
    const tx = (endMs: number, latencyMs: number, lagMs: number, status: 'ok' | 'failed' = 'ok') => ({ client: 0, script: 0, status, ...(status === 'ok' ? { latencyUs: latencyMs * 1000 } : {}), endUs: t0 + endMs * 1000, lagUs: lagMs * 1000 });
    const { buckets, originMs, failed } = await logToTimeline(
      () => [tx(2, 2, 0), tx(500, 3, 1), tx(1_001, 2, 0), tx(1_999, 2, 0), tx(2_001, 4, 0), tx(2_600, 0, 0, 'failed'), tx(3_500, 1, 0)],
      { scriptNames: ['op'], warmupMs: 1_000, durationMs: 2_000 },
    );
    expect(originMs).toBe(t0 / 1000);
    expect(failed).toBe(1);
    // Steady seconds start at 1000 ms. Second 0: sent 1997 (twice), done 1001 (sent in the warm-up) and 1999.
    // Second 1: the failure at 2600; done 2001, and 3500, after the time was up, in the last second.
    expect(buckets.map((b) => [b.second, b.spanMs, b.attempts, b.ok, b.errors])).toEqual([
      [0, 1000, 2, 2, {}],
      [1, 1000, 1, 2, { other: 1 }],
    ]);
    expect(buckets[0]!.t).toBe(originMs! + 1_000);
    expect(decodeHistogram(buckets[0]!.latencyHistUs).totalCount).toBe(2);
  });
});

describe('workloads compiled to pgbench scripts', () => {
  it('notifications: one weighted script per operation, ids per client, recent ids from the client\'s own inserts', () => {
    const { scripts, variables } = compileWorkload(workloadByName('notifications'), 'cutover_baseline', 42);
    expect(variables).toEqual({ wk: '42', seq: '0' });
    expect(scripts.map((s) => [s.name, s.weight])).toEqual([
      ['insert-event', 50],
      ['mark-delivered', 30],
      ['read-recent', 20],
    ]);
    expect(scripts[0]!.text).toContain('\\set seq :seq + 1\n\\set id ((:wk + :client_id) << 32) + :seq\nINSERT INTO "cutover_baseline".events (id, writer_key, payload, created_at) VALUES (:id, (:id::int8 >> 32)::int4, (');
    expect(scripts[1]!.text).toMatch(/\\set recent case when :seq > 0 .*\n\\set p1 :recent\nUPDATE "cutover_baseline"\.events .* WHERE id = :p1;/);
    expect(scripts[2]!.text).toMatch(/\\set oldest_recent .*\n\\set p1 :oldest_recent\nSELECT .* WHERE id >= :p1 ORDER BY id LIMIT 20;/);
  });

  it('refuses an operation with parameters but no pgbench form, naming it', () => {
    const w = defineWorkload({ name: 'mine', description: '', ddl: () => [], operations: [{ name: 'lookup', weight: 1, kind: 'plain', sql: 'SELECT $1::int', params: () => [1] }] });
    expect(() => compileWorkload(w, 's', 1)).toThrow(/workload mine: operation lookup has 1 parameter\(s\) but no pgbench form/);
  });

  it('reads --pgbench values: built-ins with or without the prefix, files, weights', () => {
    expect(parseScriptSpec('builtin:select-only@9')).toEqual({ kind: 'builtin', name: 'select-only', weight: 9 });
    expect(parseScriptSpec('tpcb-like')).toEqual({ kind: 'builtin', name: 'tpcb-like', weight: 1 });
    expect(parseScriptSpec('dir/mine.sql@2')).toEqual({ kind: 'file', path: 'dir/mine.sql', weight: 2, name: 'mine.sql' });
    expect(() => parseScriptSpec('builtin:tpcc')).toThrow(/expected builtin:tpcb-like/);
  });
});
