import { describe, expect, it } from 'vitest';
import { checkSelectOnly } from '../../checks/select-only.js';
import { compareBaselines, evaluateBaselines } from '../../checks/explain-compare.js';
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

  it('warns on cost and time ratios above the thresholds, not at or below them', () => {
    const findings = compareBaselines([ok()], [ok({ totalCost: 8.3 * 2.5, executionTimeMs: 5 })], config);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['cost:by-id', 'warn'],
      ['time:by-id', 'warn'],
    ]);
    expect(compareBaselines([ok()], [ok({ totalCost: 8.3 * 2, executionTimeMs: 4 })], config)).toEqual([]);
  });

  it('ignores a large time ratio on sub-millisecond timings', () => {
    expect(compareBaselines([ok({ executionTimeMs: 0.02 })], [ok({ executionTimeMs: 0.2 })], config)).toEqual([]);
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
