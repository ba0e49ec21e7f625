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
