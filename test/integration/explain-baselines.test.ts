import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig, type UserConfig } from '../../core/config.js';
import type { Session } from '../../core/session.js';
import { explainBaselines, type ExplainBaselinesData } from '../../checks/explain-baselines.js';
import type { ExplainBaseline } from '../../checks/explain-query.js';

const MONITOR = { user: 'cutover_monitor', password: 'monitor-pw' };

const explain: UserConfig['explain'] = {
  shapeChange: 'warn',
  queries: [
    { name: 'by-customer', sql: 'SELECT * FROM orders WHERE customer = 42;', analyze: true, buffers: true, repeat: 3 },
    { name: 'count-scratch', sql: 'SELECT count(*) FROM scratch' },
    { name: 'writes', sql: `SELECT nextval('order_numbers')`, analyze: true },
    { name: 'not-a-select', sql: 'DELETE FROM orders' },
    { name: 'elsewhere', sql: 'SELECT count(*) FROM pg_class', database: 'reports', analyze: true },
  ],
};

describe('explain.baselines on an embedded 17', () => {
  let server: LocalServer;
  let admin: Session;

  async function snapshot(suite: 'pre' | 'post', config: UserConfig = { explain }): Promise<ExplainBaselinesData | undefined> {
    const result = await runSuite({
      endpoint: server.endpoint('postgres', MONITOR.user, MONITOR.password),
      suite,
      config: resolveConfig(config),
      checks: [explainBaselines],
    });
    const entry = result.checks['explain.baselines'];
    if (entry?.status === 'skipped') return undefined;
    expect(entry?.status, entry?.reason).toBe('ok');
    return entry?.data as ExplainBaselinesData;
  }

  const baseline = (data: ExplainBaselinesData | undefined, name: string): ExplainBaseline => {
    const found = data?.baselines.find((b) => b.name === name);
    if (!found) throw new Error(`no baseline ${name}`);
    return found;
  };

  beforeAll(async () => {
    server = await LocalServer.start({ version: '17', name: 'explain-17' });
    admin = await server.admin();
    await admin.query(`CREATE ROLE ${MONITOR.user} LOGIN PASSWORD '${MONITOR.password}' IN ROLE pg_monitor`);
    await admin.query(`ALTER ROLE ${MONITOR.user} SET default_transaction_read_only = on`);
    await admin.query(`CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, amount numeric NOT NULL)`);
    await admin.query(`INSERT INTO orders SELECT g, g % 1000, g * 1.5 FROM generate_series(1, 20000) g`);
    await admin.query(`CREATE INDEX orders_customer_idx ON orders (customer)`);
    await admin.query(`CREATE TABLE scratch (id int)`);
    await admin.query(`CREATE SEQUENCE order_numbers`);
    await admin.query(`ANALYZE orders`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${MONITOR.user}`);
    await admin.query(`GRANT USAGE ON SEQUENCE order_numbers TO ${MONITOR.user}`);
    await admin.query(`CREATE DATABASE reports`);
  });
  afterAll(async () => {
    await admin?.close();
    await server?.close();
  });

  it('is skipped with a reason when no queries are configured', async () => {
    const result = await runSuite({
      endpoint: server.endpoint('postgres', MONITOR.user, MONITOR.password),
      suite: 'pre',
      config: resolveConfig({}),
      checks: [explainBaselines],
    });
    expect(result.checks['explain.baselines']).toMatchObject({ status: 'skipped', reason: 'no queries configured (explain.queries)' });
  });

  it('records plan shape, cost, median time and buffers; refuses non-SELECTs; reports writes as findings', async () => {
    const pre = await snapshot('pre');
    const byCustomer = baseline(pre, 'by-customer');
    expect(byCustomer).toMatchObject({ status: 'ok', runs: 3, analyze: true, buffers: true, database: 'postgres' });
    expect(JSON.stringify(byCustomer.shape)).toContain('orders_customer_idx');
    expect(byCustomer.totalCost).toBeGreaterThan(0);
    expect(byCustomer.executionTimeMs).toBeGreaterThan(0);
    const [fastest, slowest] = byCustomer.executionTimeRangeMs ?? [NaN, NaN];
    expect(fastest).toBeLessThanOrEqual(byCustomer.executionTimeMs ?? NaN);
    expect(slowest).toBeGreaterThanOrEqual(byCustomer.executionTimeMs ?? NaN);
    expect((byCustomer.bufferBlocks?.sharedHit ?? 0) + (byCustomer.bufferBlocks?.sharedRead ?? 0)).toBeGreaterThan(0);

    const countScratch = baseline(pre, 'count-scratch');
    expect(countScratch).toMatchObject({ status: 'ok', runs: 1, analyze: false });
    expect(countScratch.executionTimeMs).toBeUndefined();
    expect(countScratch.planningTimeMs).toBeGreaterThanOrEqual(0);

    expect(baseline(pre, 'writes')).toMatchObject({ status: 'error', error: { sqlState: '25006' } });
    expect(baseline(pre, 'not-a-select')).toMatchObject({ status: 'rejected', reason: 'not a SELECT: starts with DELETE', runs: 0 });
    expect(baseline(pre, 'elsewhere')).toMatchObject({ status: 'ok', database: 'reports' });

    const findings = explainBaselines.evaluate?.(pre as ExplainBaselinesData, { config: resolveConfig({ explain }), serverVersionNum: 0, suite: 'pre' });
    expect(findings?.map((f) => [f.key, f.severity])).toEqual([
      ['error:writes', 'fail'],
      ['rejected:not-a-select', 'fail'],
    ]);
  });

  it('reports a changed plan shape when an index is dropped, and a query failing after but not before', async () => {
    const pre = await snapshot('pre');
    await admin.query(`DROP INDEX orders_customer_idx`);
    await admin.query(`DROP TABLE scratch`);
    const post = await snapshot('post');
    expect(JSON.stringify(baseline(post, 'by-customer').shape)).not.toContain('orders_customer_idx');

    const config = resolveConfig({ explain });
    const findings = explainBaselines.compare?.(pre as ExplainBaselinesData, post as ExplainBaselinesData, {
      config,
      pre: { serverVersionNum: 170000 },
      post: { serverVersionNum: 170000 },
    });
    const shape = findings?.find((f) => f.key === 'shape:by-customer');
    expect(shape?.severity).toBe('warn');
    const diff = shape?.details?.diff as string[];
    expect(diff).toContain('+ Seq Scan on orders');
    expect(diff.some((line) => line.startsWith('- ') && line.includes('orders_customer_idx'))).toBe(true);
    expect(findings?.find((f) => f.key === 'error:count-scratch')).toMatchObject({ severity: 'fail' });
    // Unchanged plans are not reported.
    expect(findings?.some((f) => f.key === 'shape:elsewhere')).toBe(false);
  });
});

/**
 * Both directions on real servers, 15 before and 17 after, as a major upgrade sees them: the same
 * data and queries judge clean; an index lost on the post side warns by shape; a table grown much
 * larger on the post side (same plan) warns by measured time. Parallel query is off on both
 * servers so that the larger table keeps its plan and only its time changes.
 */
describe('explain.baselines judged across 15 -> 17', () => {
  const settings = { max_parallel_workers_per_gather: 0 };
  const queries: UserConfig['explain'] = {
    queries: [
      { name: 'by-customer', sql: 'SELECT id, amount FROM orders WHERE customer = 42', analyze: true, repeat: 5 },
      { name: 'total', sql: 'SELECT sum(amount) FROM orders', analyze: true, repeat: 5 },
      // An InitPlan: 15 labels it `InitPlan 1 (returns $0)`, 17 `InitPlan 1`.
      { name: 'biggest-customer-orders', sql: 'SELECT id FROM orders WHERE customer = (SELECT max(customer) FROM orders)', analyze: true, repeat: 5 },
    ],
  };
  let pre: LocalServer;
  let post: LocalServer;

  const seed = async (server: LocalServer, rows: number) => {
    await using admin = await server.admin();
    await admin.query(`CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, amount numeric NOT NULL)`);
    await admin.query(`INSERT INTO orders SELECT g, g % 1000, g * 1.5 FROM generate_series(1, ${rows}) g`);
    await admin.query(`CREATE INDEX orders_customer_idx ON orders (customer)`);
    await admin.query(`VACUUM ANALYZE orders`);
  };
  const collect = async (server: LocalServer, suite: 'pre' | 'post'): Promise<ExplainBaselinesData> => {
    const result = await runSuite({ endpoint: server.endpoint('postgres'), suite, config: resolveConfig({ explain: queries }), checks: [explainBaselines] });
    const entry = result.checks['explain.baselines'];
    expect(entry?.status, entry?.reason).toBe('ok');
    const data = entry?.data as ExplainBaselinesData;
    expect(data.baselines.map((b) => [b.name, b.status, b.runs])).toEqual(queries.queries?.map((q) => [q.name, 'ok', 5]));
    return data;
  };
  const judge = (a: ExplainBaselinesData, b: ExplainBaselinesData) =>
    (explainBaselines.compare?.(a, b, { config: resolveConfig({ explain: queries }), pre: { serverVersionNum: 150000 }, post: { serverVersionNum: 170000 } }) ?? []).filter(
      (f) => f.severity !== 'info',
    );

  beforeAll(async () => {
    pre = await LocalServer.start({ version: '15', name: 'explain-judge-15', settings });
    post = await LocalServer.start({ version: '17', name: 'explain-judge-17', settings });
    await seed(pre, 20_000);
    await seed(post, 20_000);
  });
  afterAll(async () => {
    await pre?.close();
    await post?.close();
  });

  it('a clean upgrade: same shapes (InitPlan labels aside), times within noise, no warning', async () => {
    const before = await collect(pre, 'pre');
    const after = await collect(post, 'post');
    const measured = after.baselines.find((b) => b.name === 'total');
    expect(measured?.executionTimesMs).toHaveLength(5);
    expect(judge(before, after)).toEqual([]);
  });

  it('an index lost after the upgrade warns by shape; a table grown 50x warns by time with the same plan', async () => {
    const before = await collect(pre, 'pre');
    {
      await using admin = await post.admin();
      await admin.query(`DROP INDEX orders_customer_idx`);
      await admin.query(`INSERT INTO orders SELECT g, g % 1000, g * 1.5 FROM generate_series(20001, 1000000) g`);
      await admin.query(`VACUUM ANALYZE orders`);
    }
    const after = await collect(post, 'post');
    const findings = judge(before, after);
    const keys = findings.map((f) => `${f.key} ${f.severity}`);
    expect(keys).toContain('shape:by-customer warn');
    expect(keys).toContain('time:total warn');
    expect(keys).not.toContain('shape:total warn');
    const time = findings.find((f) => f.key === 'time:total');
    expect(time?.details?.ratio).toBeGreaterThan(3);
    expect(time?.message).toMatch(/median of 5 -> 5 runs/);
  });
});
