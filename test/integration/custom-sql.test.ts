import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig, type UserConfig } from '../../core/config.js';
import { customSql, type CustomSqlData, type CustomSqlResult } from '../../checks/custom-sql.js';

const MONITOR = { user: 'cutover_monitor', password: 'monitor-pw' };

const custom: UserConfig['custom'] = [
  { id: 'no-orphans', description: 'orders without a customer', sql: 'SELECT id FROM orders WHERE customer IS NULL ORDER BY id', expect: 'empty' },
  { id: 'has-orders', sql: 'SELECT 1 FROM orders LIMIT 1', expect: 'nonEmpty', severity: 'warn' },
  { id: 'order-count', sql: 'SELECT count(*) FROM orders', expect: { equals: 5 } },
  { id: 'statuses', sql: 'SELECT DISTINCT status FROM orders ORDER BY 1', expect: { equals: ['new', 'paid'] } },
  { id: 'few-unpaid', sql: `SELECT count(*) FROM orders WHERE status = 'new'`, expect: { atMost: 1 }, severity: 'warn' },
  { id: 'when', sql: `SELECT timestamptz '2025-01-02 03:04:05+00' AS at, '\\x01ff'::bytea AS b, 12345678901234::int8 AS n`, expect: 'nonEmpty' },
  { id: 'writes', sql: `SELECT nextval('order_numbers')`, expect: 'nonEmpty' },
  { id: 'deletes', sql: 'DELETE FROM orders', expect: 'empty' },
  { id: 'elsewhere', sql: 'SELECT current_database() AS db', database: 'reports', expect: { equals: 'reports' } },
];

describe('custom.sql on an embedded 15', () => {
  let server: LocalServer;

  async function collect(config: UserConfig = { custom }) {
    const snapshot = await runSuite({
      endpoint: server.endpoint('postgres', MONITOR.user, MONITOR.password),
      suite: 'post',
      config: resolveConfig(config),
      checks: [customSql],
    });
    return snapshot.checks['custom.sql'];
  }

  beforeAll(async () => {
    server = await LocalServer.start({ version: '15', name: 'custom-15' });
    await using admin = await server.admin();
    await admin.query(`CREATE ROLE ${MONITOR.user} LOGIN PASSWORD '${MONITOR.password}' IN ROLE pg_monitor`);
    await admin.query(`ALTER ROLE ${MONITOR.user} SET default_transaction_read_only = on`);
    await admin.query(`CREATE TABLE orders (id int PRIMARY KEY, customer int, status text NOT NULL)`);
    await admin.query(`INSERT INTO orders VALUES (1, 10, 'paid'), (2, 11, 'paid'), (3, NULL, 'new'), (4, 12, 'new'), (5, NULL, 'paid')`);
    await admin.query(`CREATE SEQUENCE order_numbers`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${MONITOR.user}`);
    await admin.query(`GRANT USAGE ON SEQUENCE order_numbers TO ${MONITOR.user}`);
    await admin.query(`CREATE DATABASE reports`);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is skipped with a reason when nothing is configured', async () => {
    expect(await collect({})).toMatchObject({ status: 'skipped', reason: 'no custom checks configured (custom)' });
  });

  it('runs each query read-only in its database and reports every unmet expectation at its severity', async () => {
    const entry = await collect();
    expect(entry?.status, entry?.reason).toBe('ok');
    const data = entry?.data as CustomSqlData;
    const byId = (id: string): CustomSqlResult | undefined => data.results.find((r) => r.id === id);
    expect(byId('no-orphans')).toMatchObject({ status: 'ok', rowCount: 2, rows: [{ id: 3 }, { id: 5 }], database: 'postgres' });
    expect(byId('when')?.rows).toEqual([{ at: '2025-01-02T03:04:05.000Z', b: '\\x01ff', n: '12345678901234' }]);
    expect(byId('writes')).toMatchObject({ status: 'error', error: { sqlState: '25006' } });
    expect(byId('deletes')).toMatchObject({ status: 'rejected' });
    expect(byId('elsewhere')).toMatchObject({ status: 'ok', database: 'reports', rows: [{ db: 'reports' }] });

    const findings = customSql.evaluate?.(data, { config: resolveConfig({ custom }), serverVersionNum: 150000, suite: 'post' }) ?? [];
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['no-orphans', 'fail'],
      ['few-unpaid', 'warn'],
      ['writes', 'fail'],
      ['deletes', 'fail'],
    ]);
    expect(findings[0]?.message).toBe('orders without a customer: expected no rows, got 2 rows; sample: [{"id":3},{"id":5}]');
    expect(findings[1]?.message).toBe('few-unpaid: expected at most 1, got 2; sample: [{"count":"2"}]');
    expect(findings[2]?.message).toMatch(/read-only transaction/);
  });

  it('goes quiet once the data meets the expectations', async () => {
    await using admin = await server.admin();
    await admin.query(`UPDATE orders SET customer = 99 WHERE customer IS NULL`);
    await admin.query(`UPDATE orders SET status = 'paid' WHERE id = 4`);
    const quiet = custom.filter((c) => !['writes', 'deletes'].includes(c.id));
    const entry = await collect({ custom: quiet });
    const findings = customSql.evaluate?.(entry?.data as CustomSqlData, { config: resolveConfig({ custom: quiet }), serverVersionNum: 150000, suite: 'post' });
    expect(findings).toEqual([]);
  });
});
