import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import type { Session } from '../../core/session.js';
import type { Snapshot } from '../../checks/snapshot.js';
import { evaluateSnapshot } from '../../reports/evaluate.js';
import type { Finding } from '../../checks/finding.js';
import { bluegreenSettingsCheck } from '../../checks/bluegreen-settings.js';
import { bluegreenObjectsCheck } from '../../checks/bluegreen-objects.js';
import { bluegreenActivityCheck } from '../../checks/bluegreen-activity.js';

/*
 * The managed Blue/Green guardrail checks on a real server: the fixtures in test/fixtures/rds/
 * violate each rule (a table without a primary key, REPLICA IDENTITY NOTHING, an unlogged table, a
 * large object, a materialized view), two sessions of the test hold a long transaction and a DDL
 * in flight, and wal_level is replica; then the server is made clean and the checks go quiet.
 */

const CHECKS = [bluegreenSettingsCheck, bluegreenObjectsCheck, bluegreenActivityCheck];
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rds');
let server: LocalServer;

async function fixture(db: string, file: string): Promise<void> {
  await using s = await server.admin(db);
  await s.query(await readFile(join(FIXTURES, file), 'utf8'));
}

async function guardrails(config: Parameters<typeof resolveConfig>[0]): Promise<{ snapshot: Snapshot; findings: Finding[] }> {
  const resolved = resolveConfig(config);
  const snapshot = await runSuite({ endpoint: server.endpoint('postgres'), suite: 'pre', config: resolved, checks: CHECKS });
  return { snapshot, findings: evaluateSnapshot(snapshot, resolved, CHECKS) };
}

/** Polls (with a deadline) until the session's transaction is older than `ms`. */
async function transactionOlderThan(pid: number, ms: number): Promise<void> {
  await using watcher = await server.admin();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await watcher.query<{ old: boolean }>(`SELECT now() - xact_start > make_interval(secs => $2::float8 / 1000) AS old FROM pg_stat_activity WHERE pid = $1`, [pid, ms]);
    if (row?.old) return;
    if (Date.now() > deadline) throw new Error(`transaction of ${pid} did not get older than ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await LocalServer.start({ version: '16', name: 'guardrails', settings: { wal_level: 'replica' } });
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE dirty');
  await admin.query('CREATE DATABASE clean');
  await fixture('dirty', 'bluegreen-dirty.sql');
  await fixture('clean', 'bluegreen-clean.sql');
});

afterAll(async () => {
  await server?.close();
});

describe('Blue/Green guardrail checks (pre suite)', () => {
  it('are skipped with a reason on a server that is not RDS, unless switched on', async () => {
    const { snapshot, findings } = await guardrails({});
    for (const check of CHECKS) {
      expect(snapshot.checks[check.id]?.status).toBe('skipped');
      expect(snapshot.checks[check.id]?.reason).toMatch(/not an RDS or Aurora PostgreSQL server/);
    }
    expect(findings).toEqual([]);
  });

  it('fire on a schema and a server that violate them, naming the objects', async () => {
    let ddl: Session | undefined;
    let longTx: Session | undefined;
    try {
      longTx = await server.admin('dirty');
      await longTx.query('BEGIN');
      const [tx] = await longTx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, txid_current()');
      ddl = await server.admin('dirty');
      const [ddlRow] = await ddl.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await ddl.query('BEGIN');
      await ddl.query('ALTER TABLE public.orders ADD COLUMN note text');
      await transactionOlderThan(tx!.pid, 1_200);

      const { snapshot, findings } = await guardrails({ checks: { bluegreen: 'on', longRunningSeconds: 1 } });
      for (const check of CHECKS) expect(snapshot.checks[check.id]?.status, snapshot.checks[check.id]?.reason).toBe('ok');
      const byId = new Map(findings.map((f) => [f.id, f]));
      const expectFinding = (id: string, severity: string, object: string | RegExp) => {
        const f = byId.get(id);
        expect(f, `${id} in ${[...byId.keys()].join(', ')}`).toBeDefined();
        expect(f?.severity).toBe(severity);
        if (typeof object === 'string') expect(f?.object).toBe(object);
        else expect(f?.object).toMatch(object);
      };
      expectFinding('bluegreen.settings/wal-level', 'fail', 'wal_level');
      expectFinding('bluegreen.objects/no-replica-identity:dirty.public.events', 'fail', 'dirty.public.events');
      expectFinding('bluegreen.objects/no-replica-identity:dirty.public.nothing_ident', 'fail', 'dirty.public.nothing_ident');
      expectFinding('bluegreen.objects/unlogged:dirty.public.session_cache', 'warn', 'dirty.public.session_cache');
      expectFinding('bluegreen.objects/large-objects:dirty', 'fail', 'dirty: pg_largeobject_metadata');
      expectFinding('bluegreen.objects/materialized-views:dirty', 'info', 'dirty: public.order_totals');
      expectFinding(`bluegreen.activity/ddl-in-flight:${ddlRow!.pid}`, 'fail', 'dirty.public.orders');
      expectFinding(`bluegreen.activity/long-transaction:${tx!.pid}`, 'warn', `pid ${tx!.pid}`);
      expect(byId.get(`bluegreen.activity/ddl-in-flight:${ddlRow!.pid}`)?.message).toMatch(/holds ACCESS EXCLUSIVE locks on dirty\.public\.orders and is in a transaction after DDL: ALTER TABLE public\.orders ADD COLUMN note text/);
      // A primary key, REPLICA IDENTITY FULL and USING INDEX are usable identities: no finding for them.
      for (const table of ['orders', 'audit_full', 'audit_index']) expect(byId.has(`bluegreen.objects/no-replica-identity:dirty.public.${table}`), table).toBe(false);
      // The clean database beside it contributes nothing.
      expect(findings.filter((f) => f.id.includes('clean'))).toEqual([]);
    } finally {
      await ddl?.close();
      await longTx?.close();
    }
  });

  it('on a same-major target (physical replication) only the unlogged tables and activity matter', async () => {
    const { findings } = await guardrails({ checks: { bluegreen: 'on' }, upgrade: { targetMajor: 16 } });
    expect(findings.map((f) => f.id).sort()).toEqual(['bluegreen.objects/unlogged:dirty.public.session_cache']);
  });

  it('stay quiet on a clean schema with logical replication set up (and run by themselves on a server that looks like RDS)', async () => {
    {
      await using admin = await server.admin();
      await admin.query('DROP DATABASE dirty');
    }
    // RDS exposes its own settings; a placeholder of the same name makes the default `auto` mode run them.
    await server.configure({ wal_level: 'logical', 'rds.logical_replication': 1 });
    await server.restart();
    const { snapshot, findings } = await guardrails({});
    for (const check of CHECKS) expect(snapshot.checks[check.id]?.status, snapshot.checks[check.id]?.reason).toBe('ok');
    expect(snapshot.checks['bluegreen.settings']?.data).toMatchObject({ walLevel: 'logical', rdsLogicalReplication: '1' });
    expect(findings).toEqual([]);
  });
});
