import { describe, expect, it } from 'vitest';
import { checkSelectOnly } from '../../checks/select-only.js';
import { compareBaselines, evaluateBaselines, judgeTime } from '../../checks/explain-compare.js';
import type { ExplainBaseline } from '../../checks/explain-query.js';
import { resolveConfig } from '../../core/config.js';

describe('checkSelectOnly', () => {
  it.each([
    ['SELECT 1', 'SELECT 1'],
    ['  select * from t where id = $1;  ', 'select * from t where id = $1'],
    ['WITH x AS (SELECT 1) SELECT * FROM x;;', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['(SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)'],
    ["SELECT 'delete; insert into x' AS s -- update\n", "SELECT 'delete; insert into x' AS s"],
    ['SELECT "update", "into" FROM t /* DELETE /* nested */ ; */', 'SELECT "update", "into" FROM t'],
    ["SELECT $$ ; DROP TABLE t; $$, $tag$ it's $$ fine $tag$", "SELECT $$ ; DROP TABLE t; $$, $tag$ it's $$ fine $tag$"],
    ["SELECT E'it\\'s ; here'", "SELECT E'it\\'s ; here'"],
    ["SELECT 'it''s; fine'", "SELECT 'it''s; fine'"],
  ])('accepts %j', (sql, cleaned) => {
    expect(checkSelectOnly(sql)).toEqual({ ok: true, sql: cleaned });
  });

  it.each([
    ['DELETE FROM t', /not a SELECT: starts with DELETE/],
    ['EXPLAIN SELECT 1', /not a SELECT: starts with EXPLAIN/],
    ['VACUUM t', /not a SELECT/],
    ['SELECT 1; SELECT 2', /more than one statement/],
    ['SELECT 1; DROP TABLE t', /more than one statement/],
    ['WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone', /contains DELETE/],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', /contains INSERT/],
    ['SELECT * INTO copy FROM t', /SELECT INTO/],
    ['SELECT * FROM t FOR UPDATE', /locks rows/],
    ['SELECT * FROM t FOR NO KEY UPDATE', /locks rows/],
    ['SELECT * FROM t FOR SHARE', /locks rows/],
    ["SELECT 'unterminated", /unterminated string/],
    ['SELECT $x$ never closed', /unterminated dollar/],
    ['SELECT 1 /* open', /unterminated comment/],
    ['  ; ', /empty statement/],
  ])('refuses %j', (sql, reason) => {
    const verdict = checkSelectOnly(sql);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });
});

const ok = (over: Partial<ExplainBaseline> = {}): ExplainBaseline => ({
  name: 'by-id',
  database: 'app',
  sql: 'SELECT * FROM t WHERE id = 1',
  analyze: true,
  buffers: false,
  status: 'ok',
  runs: 3,
  shape: { node: 'Index Scan', index: 't_pkey', relation: 't', children: [] },
  totalCost: 8.3,
  planningTimeMs: 0.1,
  executionTimeMs: 2,
  executionTimeRangeMs: [1.9, 2.2],
  ...over,
});

describe('evaluateBaselines', () => {
  it('fails a rejected statement and a write refused by the read-only session; warns on other errors', () => {
    const findings = evaluateBaselines([
      ok(),
      ok({ name: 'bad', status: 'rejected', reason: 'contains DELETE', runs: 0 }),
      ok({ name: 'writes', status: 'error', error: { message: 'cannot execute nextval() in a read-only transaction', sqlState: '25006' } }),
      ok({ name: 'broken', status: 'error', error: { message: 'relation "t" does not exist', sqlState: '42P01' } }),
    ]);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['rejected:bad', 'fail'],
      ['error:writes', 'fail'],
      ['error:broken', 'warn'],
    ]);
    expect(findings[1]?.message).toMatch(/tried to write/);
  });
});

describe('compareBaselines', () => {
  const config = resolveConfig({ explain: { costRatio: 2, timeRatio: 2, shapeChange: 'fail' } });

  it('reports nothing for the same plan at similar cost and time', () => {
    expect(compareBaselines([ok()], [ok({ totalCost: 9, executionTimeMs: 2.5 })], config)).toEqual([]);
  });

  it('reports a changed shape at the configured severity, with a readable diff', () => {
    const [finding] = compareBaselines([ok()], [ok({ shape: { node: 'Seq Scan', relation: 't', children: [] } })], config);
    expect(finding?.key).toBe('shape:by-id');
    expect(finding?.severity).toBe('fail');
    expect(finding?.details?.diff).toEqual(['- Index Scan using t_pkey on t', '+ Seq Scan on t']);
    expect(finding?.message).toContain('- Index Scan using t_pkey on t');
  });

  it('warns on a median time above timeRatio and beyond the noise; cost is information only', () => {
    const findings = compareBaselines([ok()], [ok({ totalCost: 8.3 * 2.5, executionTimeMs: 5, executionTimeRangeMs: [4.8, 5.3] })], config);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['cost:by-id', 'info'],
      ['time:by-id', 'warn'],
    ]);
    expect(findings[0]?.message).toMatch(/information only/);
    expect(findings[1]?.message).toMatch(/grew 2\.50x .*noise margin of 2\.000 ms/);
    expect(compareBaselines([ok()], [ok({ totalCost: 8.3 * 2, executionTimeMs: 4 })], config)).toEqual([]);
  });

  // Regression (issue 13): a fresh `cutover rehearse` ended WARN on an estimate alone.
  it('never warns on an estimated cost that grew 13.8x with the same plan and time', () => {
    const findings = compareBaselines([ok({ totalCost: 24.03 })], [ok({ totalCost: 331.48 })], config);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['cost:by-id', 'info']]);
  });

  it('ignores a large time ratio on sub-millisecond timings', () => {
    expect(compareBaselines([ok({ executionTimeMs: 0.02 })], [ok({ executionTimeMs: 0.2 })], config)).toEqual([]);
  });

  it('takes the noise margin from the wider spread of the repeats on either side', () => {
    const times = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { executionTimesMs: sorted, executionTimeRangeMs: [sorted[0], sorted[sorted.length - 1]] as [number, number], executionTimeMs: sorted[Math.floor((sorted.length - 1) / 2)], runs: sorted.length };
    };
    // 3x on the medians, but the middle runs after range over 38 ms: within noise.
    const noisy = compareBaselines([ok(times([10, 10.5, 11, 11, 12]))], [ok(times([5, 12, 33, 50, 60]))], config);
    expect(noisy).toEqual([]);
    expect(judgeTime(ok(times([10, 10.5, 11, 11, 12])), ok(times([5, 12, 33, 50, 60])), 2)).toMatchObject({ noiseMs: 38, slower: false });
    // The same medians with tight runs: a slowdown.
    const [slow] = compareBaselines([ok(times([10, 10.5, 11, 11, 12]))], [ok(times([31, 33, 33, 34, 36]))], config);
    expect(slow).toMatchObject({ key: 'time:by-id', severity: 'warn', details: { noiseMs: 2, preRunsMs: [10, 10.5, 11, 11, 12] } });
  });

  it('does not let one disturbed run hide a slowdown, nor make one', () => {
    const runs = (values: number[]) => ok({ executionTimesMs: values, executionTimeMs: [...values].sort((a, b) => a - b)[2], runs: values.length });
    // One run after took 900 ms (a neighbour's load): the middle runs still say 3x slower.
    expect(judgeTime(runs([10, 10, 11, 11, 12]), runs([33, 32, 900, 34, 33]), 2)).toMatchObject({ noiseMs: 2, slower: true });
    // One slow run before and one after, the rest even: not a slowdown.
    expect(judgeTime(runs([10, 10, 11, 11, 400]), runs([11, 10, 12, 500, 11]), 2)).toMatchObject({ slower: false });
  });

  it('reads the runs of an older snapshot from its range when it has no list of runs', () => {
    expect(judgeTime(ok({ executionTimeMs: 10, executionTimeRangeMs: [5, 15] }), ok({ executionTimeMs: 21, executionTimeRangeMs: [20, 22] }), 2)).toMatchObject({ noiseMs: 10, slower: true });
    expect(judgeTime(ok({ executionTimeMs: 10 }), ok({ executionTimeMs: undefined }), 2)).toBeUndefined();
  });

  it('fails a query that fails after but not before, under the key evaluate uses', () => {
    const [finding] = compareBaselines(
      [ok()],
      [ok({ status: 'error', error: { message: 'relation "t" does not exist', sqlState: '42P01' } })],
      config,
    );
    expect(finding).toMatchObject({ key: 'error:by-id', severity: 'fail' });
    expect(finding?.message).toMatch(/fails after the upgrade but not before/);
    expect(compareBaselines([ok({ status: 'error', error: { message: 'x' } })], [ok({ status: 'error', error: { message: 'x' } })], config)).toEqual([]);
  });
});
