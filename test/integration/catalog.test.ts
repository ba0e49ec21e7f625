import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import type { Endpoint } from '../../core/endpoint.js';
import { runSuite } from '../../checks/suite.js';
import { CATALOG } from '../../checks/catalog.js';
import type { Snapshot } from '../../checks/snapshot.js';
import type { SchemaData } from '../../checks/schema/inventory.js';
import type { RowCountsData } from '../../checks/row-counts.js';
import type { ReplicationData } from '../../checks/replication-check.js';
import type { ActivityData } from '../../checks/activity-collect.js';
import { compareSchema } from '../../checks/schema/compare.js';
import { compareRowCounts } from '../../checks/row-count-compare.js';
import { evaluateSnapshot } from '../../reports/evaluate.js';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { FIXTURE_DB, RO_ROLE, type FixtureCluster, buildFixtureCluster } from '../support/fixture-cluster.js';
import { labBindir, waitFor } from '../support/lab.js';

/**
 * The whole catalog (whatever checks/catalog.ts holds) against the realistic fixture on the lab
 * servers of two majors: on the primary, the subscriber and the standby, as the superuser and as
 * the read-only monitoring role.
 */

// Thresholds low enough for the fixture's seconds-old sessions and kilobytes of lag to count.
const config = resolveConfig({
  checks: { longRunningSeconds: 1, replicationLagWarnBytes: 1024, exactCounts: { concurrency: 3 } },
});

type Place = 'primary' | 'subscriber' | 'standby';
type Role = 'postgres' | typeof RO_ROLE;
const PLACES: Place[] = ['primary', 'subscriber', 'standby'];
const ROLES: Role[] = ['postgres', RO_ROLE];
const RUNS = PLACES.flatMap((place) => ROLES.map((role) => [place, role] as const));

function labInstallation(major: 15 | 17): string | undefined {
  try {
    const bindir = labBindir(major);
    return existsSync(join(bindir, 'pg_basebackup')) ? bindir : undefined;
  } catch {
    return undefined;
  }
}

/** The next transaction id the server will assign: it moves if and only if something wrote. */
async function nextXid(server: LocalServer): Promise<string> {
  await using db = await server.admin(FIXTURE_DB);
  const [row] = await db.query<{ xid: string }>(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid`);
  return row?.xid ?? '';
}

function data<T>(snapshot: Snapshot | undefined, id: string): T {
  const check = snapshot?.checks[id];
  if (check?.status !== 'ok') throw new Error(`${id} is ${check?.status ?? 'missing'}: ${check?.reason ?? ''}`);
  return check.data as T;
}

function findingIds(snapshot: Snapshot | undefined): Record<string, string> {
  return snapshot ? Object.fromEntries(evaluateSnapshot(snapshot, config).map((f) => [f.id, f.severity])) : {};
}

/** The primary's schema inventory (as the superuser) of each major, for the cross-major test. */
const primarySchemas = new Map<number, SchemaData>();

for (const major of [15, 17] as const) {
  const bindir = labInstallation(major);
  const title = bindir
    ? `whole catalog on PostgreSQL ${major} (lab)`
    : `whole catalog on PostgreSQL ${major} (skipped: the upgrade lab has no PostgreSQL ${major}; run scripts/lab.sh)`;

  describe.skipIf(!bindir)(title, () => {
    let fixture: FixtureCluster | undefined;
    const snapshots = new Map<string, Snapshot>();
    const xidMoves = new Map<string, number>();
    const snap = (place: Place, role: Role) => snapshots.get(`${place}/${role}`);

    beforeAll(async () => {
      fixture = await buildFixtureCluster({ bindir: bindir!, name: `catalog-pg${major}` });
      const f = fixture;
      // The activity rules need sessions older than checks.longRunningSeconds (1 s).
      await waitFor(
        async () => {
          await using db = await f.primary.admin(FIXTURE_DB);
          const [row] = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity
              WHERE application_name IN ('fixture-sleeper', 'fixture-idle') AND now() - state_change > interval '1.5 s'`,
          );
          return Number(row?.n) === 2;
        },
        'the fixture sessions to age past checks.longRunningSeconds',
      );
      const servers: Record<Place, LocalServer> = { primary: f.primary, subscriber: f.subscriber, standby: f.standby };
      for (const [place, role] of RUNS) {
        const server = servers[place];
        const endpoint: Endpoint = role === 'postgres' ? server.endpoint(FIXTURE_DB) : f.roEndpoint(server);
        const before = place === 'primary' ? await nextXid(server) : undefined;
        snapshots.set(`${place}/${role}`, await runSuite({ endpoint, suite: 'pre', config }));
        if (before !== undefined) xidMoves.set(role, Number(await nextXid(server)) - Number(before));
      }
      primarySchemas.set(major, data<SchemaData>(snap('primary', 'postgres'), 'schema'));
    }, 600_000);

    afterAll(async () => {
      await fixture?.close();
    });

    it.each(RUNS)('on the %s as %s, the full catalog runs and no check is error', (place, role) => {
      const snapshot = snap(place, role);
      expect(Object.keys(snapshot?.checks ?? {})).toEqual(CATALOG.filter((c) => !c.suites || c.suites.includes('pre')).map((c) => c.id));
      const errors = Object.entries(snapshot?.checks ?? {})
        .filter(([, c]) => c.status === 'error')
        .map(([id, c]) => `${id}: ${c.reason} ${c.error?.sqlState ?? ''}`);
      expect(errors).toEqual([]);
    });

    it.each(PLACES)('on the %s as the read-only role, every check is ok or skipped with a reason', (place) => {
      const checks = Object.entries(snap(place, RO_ROLE)?.checks ?? {});
      expect(checks.length).toBeGreaterThan(0);
      const bad = checks
        .filter(([, c]) => !(c.status === 'ok' || (c.status === 'skipped' && (c.reason ?? '').length > 0)))
        .map(([id, c]) => `${id}: ${c.status} ${c.reason ?? ''}`);
      expect(bad).toEqual([]);
    });

    it('writes nothing: the next transaction id on the primary does not move during a suite', () => {
      // Any write, even to a temporary table, takes a transaction id; reads never do. The
      // fixture has autovacuum off and nothing else writing, so an unchanged next id over a
      // whole suite proves no check wrote (as cutover_ro a write would also have failed with
      // 25006, because the role's default_transaction_read_only is on).
      expect(Object.fromEntries(xidMoves)).toEqual({ postgres: 0, [RO_ROLE]: 0 });
    });

    it.each(ROLES)('schema as %s: inventories the fixture, fingerprints it and flags the invalid index', (role) => {
      const schema = data<SchemaData>(snap('primary', role), 'schema');
      const app = schema.databases[FIXTURE_DB]!;
      expect(Object.keys(app.tables)).toEqual(expect.arrayContaining(['shop.customers', 'shop.orders', 'shop.order_lines', 'public."Mixed Case"']));
      expect(app.tables['public."Mixed Case"']?.columns.map((c) => c.name)).toEqual(['Weird "col"', 'select']);
      expect(app.tables['shop.orders']?.columns.find((c) => c.name === 'total')).toEqual({ name: 'total', type: 'numeric(12,2)', notNull: true });
      expect(app.constraints['shop.orders.orders_customer_id_fkey']).toMatchObject({ type: 'foreign key', definition: 'FOREIGN KEY (customer_id) REFERENCES shop.customers(id)' });
      expect(app.indexes['shop.email_imports_email_key']).toMatchObject({ valid: false, table: 'shop.email_imports' });
      expect(fixture?.hasVector).toBe(true);
      expect(app.indexes['shop.items_embedding_hnsw']).toMatchObject({ method: 'hnsw', valid: true, ready: true });
      expect(app.indexes['shop.items_embedding_ivfflat']).toMatchObject({ method: 'ivfflat', valid: true, ready: true });
      expect(app.views['shop.order_totals']?.fp).toMatch(/^[0-9a-f]{16}$/);
      expect(app.matviews).toMatchObject({ 'shop.customer_stats': { populated: false }, 'shop.daily_sales': { populated: true } });
      expect(app.triggers['shop.orders.orders_touch']).toMatchObject({ table: 'shop.orders', enabled: 'origin' });
      expect(app.functions['shop.touch_updated_at()']).toMatchObject({ kind: 'function', language: 'plpgsql', result: 'trigger' });
      expect(app.functions['shop.order_count(customer bigint)']).toMatchObject({ language: 'sql' });
      // Extension members (hstore's and vector's functions, types' support) are left out.
      expect(Object.keys(app.functions).filter((name) => !name.startsWith('shop.'))).toEqual([]);
      // A sequence the role may not read has a null last value, not an error.
      expect(app.sequences['shop.invoice_no']).toMatchObject(
        role === 'postgres' ? { lastValue: '1004' } : { lastValue: null, unreadable: true },
      );
      expect(findingIds(snap('primary', role))).toMatchObject({
        'schema/index-invalid:appdb:shop.email_imports_email_key': 'fail',
        'schema/matview-unpopulated:appdb:shop.customer_stats': 'warn',
      });
    });

    it('schema: a physical standby has the same fingerprints; the subscriber lacks what logical replication does not carry', () => {
      const primary = data<SchemaData>(snap('primary', 'postgres'), 'schema');
      // Paused behind the primary, the standby's sequences are older: compare it as "pre".
      expect(compareSchema(data<SchemaData>(snap('standby', 'postgres'), 'schema'), primary)).toEqual([]);
      const toSubscriber = Object.fromEntries(
        compareSchema(primary, data<SchemaData>(snap('subscriber', 'postgres'), 'schema')).map((f) => [f.key, f.severity]),
      );
      expect(toSubscriber).toMatchObject({
        'table-disappeared:appdb:shop.items': 'fail',
        'table-disappeared:appdb:shop.private_notes': 'fail',
        // Rows arrived through the subscription, the sequence values did not.
        'sequence-behind:appdb:shop.customers_id_seq': 'fail',
      });
    });

    it.each(ROLES)('rows as %s: exact counts with quoted names, per-table skips, and the standby behind', (role) => {
      const rows = data<RowCountsData>(snap('primary', role), 'rows');
      const app = rows.databases[FIXTURE_DB]!;
      expect(app.tables['shop.customers']).toMatchObject({ exact: 200 });
      expect(app.tables['public."Mixed Case"']).toMatchObject({ exact: 3 });
      expect(app.tables['shop.orders']).toMatchObject({ exact: 2000 });
      expect(app.tables['shop.private_notes']).toMatchObject(
        role === 'postgres' ? { exact: 1 } : { skipped: expect.stringContaining('no SELECT privilege') },
      );
      expect(app.countSessions).toBeGreaterThanOrEqual(1);
      expect(app.countSessions).toBeLessThanOrEqual(3);
      const standby = data<RowCountsData>(snap('standby', role), 'rows').databases[FIXTURE_DB]!;
      expect(standby.tables['shop.orders']).toMatchObject({ exact: 1000 });
      // The subscriber kept its own row of the table whose copy never finished.
      const drop = compareRowCounts(rows, data<RowCountsData>(snap('subscriber', role), 'rows'), 0);
      expect(drop.map((f) => [f.key, f.severity])).toContainEqual(['rows-dropped:appdb:shop.sync_blocked', 'fail']);
    });

    it.each(ROLES)('replication as %s on the primary: senders with lag, slots, the publication', (role) => {
      const repl = data<ReplicationData>(snap('primary', role), 'replication');
      expect(repl.settings.walLevel).toBe('logical');
      expect(repl.inRecovery).toBe(false);
      expect(repl.standby).toBeNull();
      expect(repl.senders.map((s) => s.applicationName)).toEqual(expect.arrayContaining(['app_sub', 'walreceiver']));
      expect(repl.senders.find((s) => s.applicationName === 'walreceiver')?.lagBytes).toBeGreaterThan(0);
      const slots = Object.fromEntries(repl.slots.map((s) => [s.name, s]));
      expect(slots.app_sub).toMatchObject({ type: 'logical', plugin: 'pgoutput', active: true, walStatus: 'reserved' });
      expect(slots.standby_slot).toMatchObject({ type: 'physical', active: true });
      expect(slots.idle_slot).toMatchObject({ active: false });
      expect(slots.idle_slot?.retainedBytes).toBeGreaterThan(1024);
      if (major >= 17) expect(slots.app_sub).toMatchObject({ failover: false, synced: false, invalidationReason: null });
      expect(repl.databases[FIXTURE_DB]?.publications).toEqual([
        expect.objectContaining({ name: 'app_pub', allTables: false, tableCount: 4 }),
      ]);
      expect(findingIds(snap('primary', role))).toMatchObject({
        'replication/slot-inactive-retaining:idle_slot': 'warn',
        'replication/sender-lag:walreceiver': 'warn',
      });
    });

    it.each(ROLES)('replication as %s on the subscriber: the subscription and its table states', (role) => {
      const repl = data<ReplicationData>(snap('subscriber', role), 'replication');
      const [sub] = repl.databases[FIXTURE_DB]?.subscriptions ?? [];
      expect(sub).toMatchObject({ name: 'app_sub', enabled: true, slotName: 'app_sub', publications: ['app_pub'] });
      expect(sub?.tables).toMatchObject({ 'shop.customers': 'r', 'shop.orders': 'r', 'shop.order_lines': 'r' });
      expect(sub?.tables['shop.sync_blocked']).not.toBe('r');
      expect(sub?.worker?.pid).toBeGreaterThan(0);
      expect(findingIds(snap('subscriber', role))).toMatchObject({ 'replication/subscription-not-ready:appdb:app_sub': 'warn' });
    });

    it.each(ROLES)('replication as %s on the standby: replay paused and lagging', (role) => {
      const repl = data<ReplicationData>(snap('standby', role), 'replication');
      expect(repl.inRecovery).toBe(true);
      expect(repl.standby).toMatchObject({ replayPause: 'paused', receiverStatus: 'streaming', receiverSlot: 'standby_slot' });
      expect(repl.standby?.replayBehindBytes).toBeGreaterThan(0);
      expect(repl.standby?.replayLagMs).toBeGreaterThan(0);
      expect(findingIds(snap('standby', role))).toMatchObject({
        'replication/standby-replay-lag': 'warn',
        'replication/standby-replay-paused': 'warn',
      });
    });

    it.each(ROLES)('activity as %s: prepared transaction, idle and long sessions, a waiting lock, none of its own', (role) => {
      const activity = data<ActivityData>(snap('primary', role), 'activity');
      expect(activity.preparedTransactions.map((p) => p.gid)).toEqual(['fixture_prepared']);
      expect(activity.waitingLocks).toContainEqual(
        expect.objectContaining({ applicationName: 'fixture-waiter', relation: 'shop.lock_target', mode: 'ExclusiveLock', blockedBy: [0] }),
      );
      const sessions = [...activity.longRunning, ...activity.idleInTransaction];
      expect(sessions.some((s) => s.applicationName === 'cutover')).toBe(false);
      expect(findingIds(snap('primary', role))).toMatchObject({
        'activity/prepared-transaction:appdb:fixture_prepared': 'fail',
        'activity/idle-in-transaction:appdb:postgres:fixture-idle': 'warn',
        'activity/long-running:appdb:postgres:fixture-sleeper': 'warn',
        'activity/waiting-locks:appdb': 'info',
      });
    });

    it.each(ROLES)('other checks fire on the fixture as %s: the pending hstore update', (role) => {
      const ids = Object.keys(findingIds(snap('primary', role)));
      expect(ids.filter((id) => id.startsWith('extensions/') && id.includes('hstore'))).not.toEqual([]);
    });
  });
}

const bothMajors = Boolean(labInstallation(15) && labInstallation(17));
describe.skipIf(!bothMajors)(`schema fingerprints across majors${bothMajors ? '' : ' (skipped: needs the lab PostgreSQL 15 and 17)'}`, () => {
  // Runs after both majors above: the same fixture must fingerprint the same, or every upgrade
  // would report its views as changed (the deparser stopped qualifying columns in 16).
  it('the same fixture on 15 and on 17 compares without findings', () => {
    const pg15 = primarySchemas.get(15);
    const pg17 = primarySchemas.get(17);
    expect(pg15 && pg17).toBeTruthy();
    expect(Object.keys(pg15?.databases.appdb?.functions ?? {})).toContain('shop.paid_orders()');
    expect(compareSchema(pg15!, pg17!)).toEqual([]);
  });
});
