import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import { openSession, type Session } from '../../core/session.js';
import { upgradeReadiness } from '../../checks/upgrade-readiness.js';
import type { UpgradeReadinessData } from '../../checks/upgrade/readiness-findings.js';
import { UPGRADE_CHECKS, type UpgradeCheckDefinition, type UpgradeCheckResult, type VersionPair } from '../../checks/upgrade/index.js';
import { encodingConversions } from '../../checks/upgrade/encoding-conversions.js';
import { lineType } from '../../checks/upgrade/line-type.js';
import { pgRolePrefix } from '../../checks/upgrade/pg-role-prefix.js';
import { sqlIdentifierType } from '../../checks/upgrade/sql-identifier-type.js';
import { jsonb94Type } from '../../checks/upgrade/jsonb-9-4-type.js';

/**
 * Each pg_upgrade rule that can be provoked on an embedded 15 or 17 is shown to fire on a fixture
 * that violates it, and to go quiet once the fixture is repaired. The check always runs as a
 * role with only pg_monitor and default_transaction_read_only forced on. Rules for sources older
 * than 15 are covered by unit tests (test/unit/upgrade-checks.test.ts).
 */

const MONITOR = { user: 'cutover_monitor', password: 'monitor-pw' };

async function addMonitorRole(server: LocalServer): Promise<void> {
  await using admin = await server.admin();
  await admin.query(`CREATE ROLE ${MONITOR.user} LOGIN PASSWORD '${MONITOR.password}' IN ROLE pg_monitor`);
  await admin.query(`ALTER ROLE ${MONITOR.user} SET default_transaction_read_only = on`);
}

/** Runs the real check through the suite, as the monitor role, and returns its data. */
async function compat(server: LocalServer, targetMajor?: number): Promise<UpgradeReadinessData> {
  const config = resolveConfig(targetMajor === undefined ? {} : { upgrade: { targetMajor } });
  const snapshot = await runSuite({
    endpoint: server.endpoint('postgres', MONITOR.user, MONITOR.password),
    suite: 'pre',
    config,
    checks: [upgradeReadiness],
  });
  const result = snapshot.checks['upgrade.compat'];
  expect(result?.status, result?.reason).toBe('ok');
  return result?.data as UpgradeReadinessData;
}

function rule(data: UpgradeReadinessData, id: string): UpgradeCheckResult {
  const found = data.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no rule ${id} in the data`);
  return found;
}

/** Asserts the rule applies, failed, and found exactly these objects (`db: object`). */
function expectFires(data: UpgradeReadinessData, id: string, objects: string[]): UpgradeCheckResult {
  const r = rule(data, id);
  expect(r.applies, `${id} applies`).toBe(true);
  expect(r.errors, `${id} errors`).toBeUndefined();
  expect(r.objects.map((o) => (o.database ? `${o.database}: ${o.object}` : o.object)).sort()).toEqual([...objects].sort());
  if (r.severity !== 'info') expect(r.passed).toBe(false);
  return r;
}

function expectQuiet(data: UpgradeReadinessData, id: string): void {
  const r = rule(data, id);
  expect(r.applies, `${id} applies`).toBe(true);
  expect(r.errors, `${id} errors`).toBeUndefined();
  expect(r.objects, `${id} objects`).toEqual([]);
  expect(r.passed).toBe(true);
}

async function createDatabase(admin: Session, name: string): Promise<void> {
  await admin.query(`CREATE DATABASE ${name}`);
}

describe('upgrade.compat on clean servers', () => {
  for (const version of ['15', '17']) {
    it(`stays quiet on a clean ${version} with data checksums, for a target of 18`, async () => {
      await using server = await LocalServer.start({ version, name: `compat-clean-${version}`, initdbArgs: ['--data-checksums'] });
      await addMonitorRole(server);
      const data = await compat(server, 18);
      expect(data.source.major).toBe(Number(version));
      expect(data.target).toEqual({ major: 18, from: 'config' });
      expect(data.databases).toEqual(['postgres', 'template1']);
      expect(data.uninspected).toEqual([]);
      for (const r of data.checks.filter((c) => c.applies)) {
        expect({ id: r.id, objects: r.objects, errors: r.errors }).toEqual({ id: r.id, objects: [], errors: undefined });
        expect(r.passed).toBe(true);
      }
      expect(upgradeReadiness.evaluate?.(data, { config: resolveConfig({}), serverVersionNum: 0, suite: 'pre' })).toEqual([]);
    });
  }

  it('defaults the target to 18 and says so in the data', async () => {
    await using server = await LocalServer.start({ version: '15', name: 'compat-default' });
    await addMonitorRole(server);
    const data = await compat(server);
    expect(data.target.major).toBe(18);
    expect(data.target.from).toBe('default');
    expect(data.target.note).toMatch(/newest major/);
    const keys = upgradeReadiness.evaluate?.(data, { config: resolveConfig({}), serverVersionNum: 0, suite: 'pre' }).map((f) => f.key);
    expect(keys).toContain('target-defaulted');
  });

  // Regression (issue 13): the docs' minor scenario (16.4 -> 16.14) ended WARN because, with no
  // target, the check judged an upgrade to 18 and its checksum default.
  it('on a 16 without checksums: the 18 nobody asked for informs, the 18 configured warns, a minor is information', async () => {
    await using server = await LocalServer.start({ version: '16.4', name: 'compat-16-4' });
    await addMonitorRole(server);
    const severities = async (targetMajor?: number) => {
      const data = await compat(server, targetMajor);
      const config = resolveConfig(targetMajor === undefined ? {} : { upgrade: { targetMajor } });
      return Object.fromEntries((upgradeReadiness.evaluate?.(data, { config, serverVersionNum: 0, suite: 'pre' }) ?? []).map((f) => [f.key, f.severity]));
    };
    const unasked = await severities();
    expect(unasked).toMatchObject({ 'target-defaulted': 'info', 'data-checksums': 'info' });
    expect(Object.values(unasked).filter((s) => s !== 'info')).toEqual([]);
    expect(await severities(18)).toMatchObject({ 'data-checksums': 'warn' });
    const minor = await severities(16);
    expect(minor).toMatchObject({ 'target-same-major': 'info' });
    expect(Object.values(minor).filter((s) => s !== 'info')).toEqual([]);
  });
});

describe('upgrade.compat rules on an embedded 15', () => {
  let server: LocalServer;
  let admin: Session;

  beforeAll(async () => {
    server = await LocalServer.start({
      version: '15',
      name: 'compat-15',
      settings: { max_prepared_transactions: 4, wal_level: 'logical' },
    });
    await addMonitorRole(server);
    admin = await server.admin();
  });
  afterAll(async () => {
    await admin?.close();
    await server?.close();
  });

  it('database-connections: a database with datallowconn = false, then an invalid one', async () => {
    await createDatabase(admin, 'noconn');
    await admin.query(`ALTER DATABASE noconn ALLOW_CONNECTIONS false`);
    const r = expectFires(await compat(server), 'database-connections', ['noconn']);
    expect(r.objects[0]?.detail).toBe('datallowconn = false');
    await admin.query(`ALTER DATABASE noconn ALLOW_CONNECTIONS true`);
    expectQuiet(await compat(server), 'database-connections');
    // Fixture: what an interrupted DROP DATABASE leaves behind, written into the catalog directly.
    await admin.query(`UPDATE pg_database SET datconnlimit = -2 WHERE datname = 'noconn'`);
    const invalid = expectFires(await compat(server), 'database-connections', ['noconn']);
    expect(invalid.objects[0]?.detail).toMatch(/invalid database/);
    await admin.query(`UPDATE pg_database SET datconnlimit = -1 WHERE datname = 'noconn'`);
    await admin.query(`DROP DATABASE noconn`);
    expectQuiet(await compat(server), 'database-connections');
  });

  it('template0-connections: template0 that allows connections', async () => {
    await admin.query(`ALTER DATABASE template0 ALLOW_CONNECTIONS true`);
    try {
      const data = await compat(server);
      expectFires(data, 'template0-connections', ['template0']);
      expect(data.databases).not.toContain('template0');
    } finally {
      await admin.query(`ALTER DATABASE template0 ALLOW_CONNECTIONS false`);
    }
    expectQuiet(await compat(server), 'template0-connections');
  });

  it('install-user: an install user (OID 10) renamed to a reserved pg_ name', async () => {
    const before = rule(await compat(server), 'install-user');
    expect(before.facts).toEqual({ installUser: 'postgres', connectedAs: MONITOR.user });
    // Fixture: only an upgrade from 9.5 or older can have it; written into the catalog directly.
    // The admin session stays logged in as OID 10 while the name changes under it.
    await admin.query(`UPDATE pg_authid SET rolname = 'pg_install' WHERE oid = 10`);
    try {
      const r = expectFires(await compat(server), 'install-user', ['pg_install']);
      expect(r.facts?.installUser).toBe('pg_install');
    } finally {
      await admin.query(`UPDATE pg_authid SET rolname = 'postgres' WHERE oid = 10`);
    }
    expectQuiet(await compat(server), 'install-user');
  });

  it('pg-role-prefix (source 9.5 or older): does not apply to 15; its query finds a pg_ role', async () => {
    await admin.query(`CREATE ROLE sneaky`);
    await admin.query(`UPDATE pg_authid SET rolname = 'pg_sneaky' WHERE rolname = 'sneaky'`);
    try {
      expect(rule(await compat(server), 'pg-role-prefix').applies).toBe(false);
      const found = await runDirectly(server, pgRolePrefix, { source: 9.5, target: 15 });
      expect(found).toContain('pg_sneaky');
    } finally {
      await admin.query(`DROP ROLE pg_sneaky`);
    }
  });

  it('prepared-transactions: a prepared transaction', async () => {
    await using writer = await server.admin();
    await writer.query(`BEGIN`);
    await writer.query(`CREATE TABLE prepared_fixture (id int)`);
    await writer.query(`PREPARE TRANSACTION 'cutover_fixture'`);
    try {
      const r = expectFires(await compat(server), 'prepared-transactions', ['postgres: cutover_fixture']);
      expect(r.severity).toBe('fail');
    } finally {
      await admin.query(`ROLLBACK PREPARED 'cutover_fixture'`);
    }
    expectQuiet(await compat(server), 'prepared-transactions');
  });

  it('reg-types: regproc and regoper[] columns fire, a regclass column does not', async () => {
    await createDatabase(admin, 'regdb');
    await using db = await server.admin('regdb');
    await db.query(`CREATE TABLE jobs (id int, handler regproc, ops regoper[], target regclass)`);
    await db.query(`CREATE DOMAIN procname AS regprocedure`);
    await db.query(`CREATE TABLE hooks (fn procname)`);
    expectFires(await compat(server), 'reg-types', ['regdb: public.jobs.handler', 'regdb: public.jobs.ops', 'regdb: public.hooks.fn']);
    await db.query(`DROP TABLE jobs, hooks`);
    expectQuiet(await compat(server), 'reg-types');
  });

  it('composite-types: a column of a system composite type', async () => {
    await admin.query(`CREATE TABLE am_copy (am pg_catalog.pg_am)`);
    expectFires(await compat(server), 'composite-types', ['postgres: public.am_copy.am']);
    await admin.query(`DROP TABLE am_copy`);
    expectQuiet(await compat(server), 'composite-types');
  });

  it('aclitem-type: an aclitem[] column, for a target of 16 or newer (not for 15)', async () => {
    await admin.query(`CREATE TABLE saved_acls (acl aclitem[])`);
    expectFires(await compat(server, 16), 'aclitem-type', ['postgres: public.saved_acls.acl']);
    expect(rule(await compat(server, 15), 'aclitem-type').applies).toBe(false);
    await admin.query(`DROP TABLE saved_acls`);
    expectQuiet(await compat(server, 16), 'aclitem-type');
  });

  it('not-null-inheritance: a child column that dropped its parent\'s NOT NULL', async () => {
    await admin.query(`CREATE TABLE nn_parent (a int NOT NULL, b int)`);
    await admin.query(`CREATE TABLE nn_child () INHERITS (nn_parent)`);
    await admin.query(`ALTER TABLE nn_child ALTER a DROP NOT NULL`);
    expectFires(await compat(server), 'not-null-inheritance', ['postgres: public.nn_child.a']);
    await admin.query(`ALTER TABLE nn_child ALTER a SET NOT NULL`);
    expectQuiet(await compat(server), 'not-null-inheritance');
    await admin.query(`DROP TABLE nn_parent CASCADE`);
  });

  it('logical-slots-not-migrated: a logical slot on a source older than 17', async () => {
    await admin.query(`SELECT pg_create_logical_replication_slot('fixture_slot', 'pgoutput')`);
    try {
      const data = await compat(server);
      expectFires(data, 'logical-slots-not-migrated', ['postgres: fixture_slot']);
      expect(rule(data, 'logical-slots-invalid').applies).toBe(false);
    } finally {
      await admin.query(`SELECT pg_drop_replication_slot('fixture_slot')`);
    }
    expectQuiet(await compat(server), 'logical-slots-not-migrated');
  });

  it('subscriptions-not-migrated: a subscription on a source older than 17', async () => {
    await createSubscriptionWithoutConnecting(admin, server, 'fixture_sub');
    try {
      const data = await compat(server);
      expectFires(data, 'subscriptions-not-migrated', ['postgres: fixture_sub']);
      expect(rule(data, 'subscription-rel-state').applies).toBe(false);
    } finally {
      await dropSubscription(admin, 'fixture_sub');
    }
    expectQuiet(await compat(server), 'subscriptions-not-migrated');
  });

  it('loadable-libraries: lists the library of an extension\'s C functions; isn-int8-passing stays quiet on 64-bit', async () => {
    await admin.query(`CREATE EXTENSION isn`);
    const data = await compat(server);
    const libs = expectFires(data, 'loadable-libraries', ['postgres: $libdir/isn']);
    expect(libs.passed).toBe(true); // info: a list for people, not a violation
    const finding = upgradeReadiness
      .evaluate?.(data, { config: resolveConfig({}), serverVersionNum: 0, suite: 'pre' })
      .find((f) => f.key === 'loadable-libraries');
    expect(finding?.severity).toBe('info');
    // A mismatch needs a 32-bit source: see the unit test of isn-int8-passing.
    expectQuiet(data, 'isn-int8-passing');
    await admin.query(`DROP EXTENSION isn`);
    expectQuiet(await compat(server), 'loadable-libraries');
  });

  it('data-checksums: a cluster without checksums needs --no-data-checksums for an 18 target, nothing for 17', async () => {
    const r = expectFires(await compat(server, 18), 'data-checksums', ['data_checksums = off']);
    expect(r.objects[0]?.detail).toMatch(/--no-data-checksums/);
    expect(r.severity).toBe('warn');
    expectQuiet(await compat(server, 17), 'data-checksums');
  });

  it('cluster-versions: a target older than the source', async () => {
    const r = expectFires(await compat(server, 14), 'cluster-versions', ['PostgreSQL 15 -> 14']);
    expect(r.objects[0]?.detail).toMatch(/downgrade/);
    expectQuiet(await compat(server, 18), 'cluster-versions');
  });

  it('global-names: a role name with a newline, for a target of 19', async () => {
    await admin.query(`CREATE ROLE "two\nlines"`);
    try {
      expectFires(await compat(server, 19), 'global-names', ['"two\\nlines"']);
      expect(rule(await compat(server, 18), 'global-names').applies).toBe(false);
    } finally {
      await admin.query(`DROP ROLE "two\nlines"`);
    }
    expectQuiet(await compat(server, 19), 'global-names');
  });

  it('encoding-conversions (source 13 or older): does not apply to 15; its query finds a user conversion', async () => {
    await admin.query(`CREATE CONVERSION fixture_conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8`);
    try {
      expect(rule(await compat(server), 'encoding-conversions').applies).toBe(false);
      expect(await runDirectly(server, encodingConversions, { source: 13, target: 18 })).toEqual(['public.fixture_conv']);
    } finally {
      await admin.query(`DROP CONVERSION fixture_conv`);
    }
  });

  it('line, sql_identifier, jsonb type rules (old sources only): do not apply to 15; their queries find such columns', async () => {
    await admin.query(`CREATE TABLE old_types (l line, ident information_schema.sql_identifier, doc jsonb)`);
    try {
      const data = await compat(server);
      for (const [check, column] of [
        [lineType, 'public.old_types.l'],
        [sqlIdentifierType, 'public.old_types.ident'],
        [jsonb94Type, 'public.old_types.doc'],
      ] as const) {
        expect(rule(data, check.id).applies).toBe(false);
        expect(await runDirectly(server, check, { source: 9.3, target: 18 })).toEqual([column]);
      }
    } finally {
      await admin.query(`DROP TABLE old_types`);
    }
  });

  it('every rule that applies to 15 has a query that runs as pg_monitor', async () => {
    const data = await compat(server, 18);
    const applicable = data.checks.filter((c) => c.applies).map((c) => c.id);
    expect(applicable.length).toBeGreaterThan(10);
    for (const r of data.checks) expect(r.errors, r.id).toBeUndefined();
    expect(UPGRADE_CHECKS.map((c) => c.id)).toEqual(data.checks.map((c) => c.id));
  });
});

describe('upgrade.compat rules on an embedded 17', () => {
  let server: LocalServer;
  let admin: Session;

  beforeAll(async () => {
    server = await LocalServer.start({
      version: '17',
      name: 'compat-17',
      // A tiny slot WAL budget lets a test invalidate a slot with a few WAL switches.
      settings: { wal_level: 'logical', max_slot_wal_keep_size: '1MB', wal_keep_size: 0 },
    });
    await addMonitorRole(server);
    admin = await server.admin();
  });
  afterAll(async () => {
    await admin?.close();
    await server?.close();
  });

  it('logical-slots-pending and logical-slots-migrated: an idle slot with WAL ahead of it', async () => {
    await admin.query(`SELECT pg_create_logical_replication_slot('idle_slot', 'pgoutput')`);
    try {
      await admin.query(`CREATE TABLE slot_traffic AS SELECT generate_series(1, 100) AS id`);
      const data = await compat(server, 18);
      const pending = expectFires(data, 'logical-slots-pending', ['postgres: idle_slot']);
      expect(pending.severity).toBe('warn');
      const migrated = expectFires(data, 'logical-slots-migrated', ['postgres: idle_slot']);
      expect(migrated.facts).toEqual({ logicalSlots: 1 });
      expectQuiet(data, 'logical-slots-invalid');
      expect(rule(data, 'logical-slots-not-migrated').applies).toBe(false);
    } finally {
      await admin.query(`SELECT pg_drop_replication_slot('idle_slot')`);
      await admin.query(`DROP TABLE IF EXISTS slot_traffic`);
    }
    const after = await compat(server, 18);
    expectQuiet(after, 'logical-slots-pending');
    expectQuiet(after, 'logical-slots-migrated');
  });

  it('logical-slots-invalid: a slot invalidated by max_slot_wal_keep_size', async () => {
    await admin.query(`SELECT pg_create_logical_replication_slot('lost_slot', 'pgoutput')`);
    try {
      await admin.query(`CREATE TABLE wal_churn (id int)`);
      await waitForInvalidation(admin, 'lost_slot');
      const r = expectFires(await compat(server, 18), 'logical-slots-invalid', ['postgres: lost_slot']);
      expect(r.objects[0]?.detail).toMatch(/wal_removed/);
    } finally {
      await admin.query(`SELECT pg_drop_replication_slot('lost_slot')`);
      await admin.query(`DROP TABLE IF EXISTS wal_churn`);
    }
    expectQuiet(await compat(server, 18), 'logical-slots-invalid');
  });

  it('subscription-origins: a subscription whose replication origin was dropped', async () => {
    await createSubscriptionWithoutConnecting(admin, server, 'origin_sub');
    try {
      // Quiet while the origin exists; names starting with pg_ are reserved, so it cannot be
      // recreated once dropped: the fixture goes from quiet to firing.
      expectQuiet(await compat(server, 18), 'subscription-origins');
      await admin.query(`SELECT pg_replication_origin_drop($1)`, [await originOf(admin, 'origin_sub')]);
      expectFires(await compat(server, 18), 'subscription-origins', ['postgres: origin_sub']);
    } finally {
      await dropSubscription(admin, 'origin_sub');
    }
  });

  it('subscription-rel-state: a subscribed table caught in the data-sync state', async () => {
    await createDatabase(admin, 'pubdb');
    await createDatabase(admin, 'subdb');
    await using pub = await server.admin('pubdb');
    await using sub = await server.admin('subdb');
    await pub.query(`CREATE TABLE items (id int PRIMARY KEY)`);
    await pub.query(`CREATE PUBLICATION items_pub FOR TABLE items`);
    await sub.query(`CREATE TABLE items (id int PRIMARY KEY)`);
    // Connects to read the publication's tables (state i) but creates no slot and stays disabled.
    await sub.query(
      `CREATE SUBSCRIPTION items_sub CONNECTION '${connectionString(server, 'pubdb')}' PUBLICATION items_pub
       WITH (create_slot = false, enabled = false, slot_name = NONE)`,
    );
    try {
      expectQuiet(await compat(server, 18), 'subscription-rel-state');
      // Fixture: what an interrupted initial copy leaves, written into the catalog directly.
      await sub.query(`UPDATE pg_subscription_rel SET srsubstate = 'd'`);
      const r = expectFires(await compat(server, 18), 'subscription-rel-state', ['subdb: public.items']);
      expect(r.objects[0]?.detail).toMatch(/items_sub: state d/);
      await sub.query(`UPDATE pg_subscription_rel SET srsubstate = 'r'`);
      expectQuiet(await compat(server, 18), 'subscription-rel-state');
    } finally {
      await sub.query(`DROP SUBSCRIPTION items_sub`);
    }
  });

  it('unicode-update: an index on lower() under the builtin C.UTF-8 collation, for a target of 18', async () => {
    await admin.query(`CREATE COLLATION fixture_builtin (provider = builtin, locale = 'C.UTF-8')`);
    await admin.query(`CREATE TABLE names (name text)`);
    await admin.query(`CREATE INDEX names_lower ON names (lower(name COLLATE fixture_builtin))`);
    try {
      const r = expectFires(await compat(server, 18), 'unicode-update', ['postgres: public.names_lower']);
      expect(r.objects[0]?.detail).toBe('Unicode 15.1 -> 16.0');
      expect(rule(await compat(server, 17), 'unicode-update').applies).toBe(false);
      await admin.query(`DROP INDEX names_lower`);
      expectQuiet(await compat(server, 18), 'unicode-update');
    } finally {
      await admin.query(`DROP TABLE names`);
      await admin.query(`DROP COLLATION fixture_builtin`);
    }
  });

  it('reg-types and aclitem-type on 17: reg* fires, aclitem does not apply', async () => {
    await admin.query(`CREATE TABLE cfg (parser regconfig, acl aclitem)`);
    try {
      const data = await compat(server, 18);
      expectFires(data, 'reg-types', ['postgres: public.cfg.parser']);
      expect(rule(data, 'aclitem-type').applies).toBe(false);
    } finally {
      await admin.query(`DROP TABLE cfg`);
    }
    expectQuiet(await compat(server, 18), 'reg-types');
  });
});

/**
 * Runs a rule's query as the monitor role as if the server were the given (older) source, and
 * returns the objects it reports: proof that the SQL finds the violation.
 */
async function runDirectly(server: LocalServer, check: UpgradeCheckDefinition, versions: VersionPair): Promise<string[]> {
  if (!check.query) throw new Error(`${check.id} has no query`);
  await using session = await openSession(server.endpoint('postgres', MONITOR.user, MONITOR.password));
  const rows = await session.query(check.query(versions));
  return check.interpret(rows, versions).map((o) => o.object);
}

function connectionString(server: LocalServer, database: string): string {
  return `host=${server.host} port=${server.port} dbname=${database} user=${server.superuser} password=${server.password}`;
}

/** A subscription that never connected: it exists in the catalog, with its origin, and no tables. */
async function createSubscriptionWithoutConnecting(admin: Session, server: LocalServer, name: string): Promise<void> {
  await admin.query(`CREATE SUBSCRIPTION ${name} CONNECTION '${connectionString(server, 'postgres')}' PUBLICATION nothing WITH (connect = false)`);
}

async function dropSubscription(admin: Session, name: string): Promise<void> {
  // Without a slot name, DROP SUBSCRIPTION does not try to reach the publisher.
  await admin.query(`ALTER SUBSCRIPTION ${name} SET (slot_name = NONE)`);
  await admin.query(`DROP SUBSCRIPTION ${name}`);
}

async function originOf(admin: Session, subscription: string): Promise<string> {
  const [row] = await admin.query<{ origin: string }>(`SELECT 'pg_' || oid AS origin FROM pg_subscription WHERE subname = $1`, [subscription]);
  if (!row) throw new Error(`no subscription ${subscription}`);
  return row.origin;
}

/** Writes WAL and checkpoints until the slot is invalidated (polling with a deadline, no sleeps). */
async function waitForInvalidation(admin: Session, slot: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await admin.query(`INSERT INTO wal_churn SELECT generate_series(1, 1000)`);
    await admin.query(`SELECT pg_switch_wal()`);
    await admin.query(`CHECKPOINT`);
    const [row] = await admin.query<{ reason: string | null }>(
      `SELECT invalidation_reason AS reason FROM pg_replication_slots WHERE slot_name = $1`,
      [slot],
    );
    if (row?.reason) return;
    if (Date.now() > deadline) throw new Error(`slot ${slot} was not invalidated within 60 s`);
  }
}
