import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { waitFor } from './lab.js';

/** The application database of the fixture. */
export const FIXTURE_DB = 'appdb';
/** The read-only monitoring role: pg_monitor, SELECT on user tables, read-only by default. */
export const RO_ROLE = 'cutover_ro';

export interface FixtureCluster extends AsyncDisposable {
  /** Publisher: the app database, pgvector (when available), slots, a standby and activity. */
  primary: LocalServer;
  /** Second server of the same major, subscribed to the primary's publication. */
  subscriber: LocalServer;
  /** Physical standby of the primary (pg_basebackup -R), replay paused, behind. */
  standby: LocalServer;
  /** Whether the servers have pgvector (the lab's do; the embedded ones do not). */
  hasVector: boolean;
  /** An endpoint of a server as the read-only role. */
  roEndpoint(server: LocalServer, database?: string): Endpoint;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** A full installation (initdb, pg_ctl, postgres, pg_basebackup), e.g. `labBindir(15)`. */
  bindir: string;
  /** Prefix of the servers' names in logs. */
  name?: string;
}

const SQL_DIR = fileURLToPath(new URL('../fixtures/catalog/', import.meta.url));
const RO_PASSWORD = 'cutover-ro-fixture';
const SERVER_SETTINGS = {
  wal_level: 'logical',
  max_wal_senders: 10,
  max_replication_slots: 10,
  max_prepared_transactions: 5,
  // No autovacuum: its ANALYZE writes (and takes transaction ids), and the catalog test
  // proves that the checks write nothing by the next transaction id staying put.
  autovacuum: 'off',
};

/**
 * Builds the whole-catalog fixture on real servers of one major: an app database with tables,
 * foreign keys, a sequence, a view, materialized views (one never populated), a trigger,
 * functions, pgvector HNSW and IVFFlat indexes, an invalid index, a pending extension update
 * (hstore 1.4), a publication with a subscription on a second server (one table whose copy
 * cannot finish), an inactive logical slot, a physical standby whose replay is paused behind the
 * primary, a prepared transaction, a session idle in a transaction, a long-running query, a
 * waiting lock, and the read-only monitoring role on every server.
 */
export async function buildFixtureCluster(options: FixtureOptions): Promise<FixtureCluster> {
  const prefix = options.name ?? 'fixture';
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => errors.push(e));
    cleanups.length = 0;
    if (errors.length) throw errors[0];
  };
  try {
    const primary = await LocalServer.start({ bindir: options.bindir, name: `${prefix}-primary`, settings: SERVER_SETTINGS });
    cleanups.push(() => primary.close());
    const subscriber = await LocalServer.start({ bindir: options.bindir, name: `${prefix}-subscriber`, settings: SERVER_SETTINGS });
    cleanups.push(() => subscriber.close());

    const hasVector = await buildPrimary(primary);
    await buildSubscriber(subscriber, primary);
    const standby = await buildStandby(primary, options.bindir, `${prefix}-standby`);
    cleanups.push(() => standby.close());
    await pauseStandbyBehind(primary, standby);
    const sessions = await startActivity(primary);
    // Sessions first, servers after (cleanups run in reverse).
    cleanups.push(() => stopActivity(primary, sessions));

    return {
      primary,
      subscriber,
      standby,
      hasVector,
      roEndpoint: (server, database = FIXTURE_DB) => server.endpoint(database, RO_ROLE, RO_PASSWORD),
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

async function sqlFile(name: string): Promise<string> {
  return readFile(`${SQL_DIR}${name}`, 'utf8');
}

async function withAdmin<T>(server: LocalServer, database: string, work: (db: Session) => Promise<T>): Promise<T> {
  await using db = await server.admin(database);
  return await work(db);
}

/** The app database, pgvector, the invalid index, hstore 1.4, the publication and the slots. */
async function buildPrimary(primary: LocalServer): Promise<boolean> {
  await withAdmin(primary, 'postgres', (db) => db.query(`CREATE DATABASE ${FIXTURE_DB}`));
  return withAdmin(primary, FIXTURE_DB, async (db) => {
    await db.query(await sqlFile('app-schema.sql'));
    await db.query(await sqlFile('app-data.sql'));
    // CONCURRENTLY cannot run in the implicit transaction of a multi-statement query.
    const failed = await db
      .query(`CREATE UNIQUE INDEX CONCURRENTLY email_imports_email_key ON shop.email_imports (email)`)
      .then(() => false, () => true);
    if (!failed) throw new Error('fixture: the unique index on duplicates was expected to fail');
    await db.query(`CREATE EXTENSION hstore VERSION '1.4'`);
    const [vector] = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (vector) await db.query(await sqlFile('vector.sql'));
    await db.query(`ANALYZE`);
    await createReadOnlyRole(primary);
    // Created after the grants: the read-only role may not read it (rows are skipped per table).
    await db.query(`CREATE TABLE shop.private_notes (id int PRIMARY KEY, note text); INSERT INTO shop.private_notes VALUES (1, 'x')`);
    await db.query(
      `CREATE PUBLICATION app_pub FOR TABLE shop.customers, shop.orders, shop.order_lines, shop.sync_blocked`,
    );
    await db.query(`SELECT pg_create_logical_replication_slot('idle_slot', 'pgoutput')`);
    return Boolean(vector);
  });
}

/** The role every database's schemas grant to: pg_monitor, USAGE and SELECT, read-only by default. */
async function createReadOnlyRole(server: LocalServer): Promise<void> {
  await withAdmin(server, 'postgres', async (db) => {
    await db.query(`CREATE ROLE ${RO_ROLE} LOGIN PASSWORD '${RO_PASSWORD}'`);
    await db.query(`GRANT pg_monitor TO ${RO_ROLE}`);
    await db.query(`ALTER ROLE ${RO_ROLE} SET default_transaction_read_only = on`);
  });
  const databases = await withAdmin(server, 'postgres', (db) =>
    db.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate`),
  );
  for (const { datname } of databases) {
    await withAdmin(server, datname, async (db) => {
      const schemas = await db.query<{ name: string }>(
        `SELECT quote_ident(nspname) AS name FROM pg_namespace
          WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(toast_)?temp_'`,
      );
      for (const { name } of schemas) {
        await db.query(`GRANT USAGE ON SCHEMA ${name} TO ${RO_ROLE}; GRANT SELECT ON ALL TABLES IN SCHEMA ${name} TO ${RO_ROLE}`);
      }
    });
  }
}

/** Same tables, a conflicting row in shop.sync_blocked, and the subscription to app_pub. */
async function buildSubscriber(subscriber: LocalServer, primary: LocalServer): Promise<void> {
  await withAdmin(subscriber, 'postgres', (db) => db.query(`CREATE DATABASE ${FIXTURE_DB}`));
  await withAdmin(subscriber, FIXTURE_DB, async (db) => {
    await db.query(await sqlFile('app-schema.sql'));
    await db.query(`INSERT INTO shop.sync_blocked VALUES (1, 'subscriber row')`);
    await createReadOnlyRole(subscriber);
    const conninfo = `host=${primary.host} port=${primary.port} dbname=${FIXTURE_DB} user=${primary.superuser} password=${primary.password}`;
    await db.query(`CREATE SUBSCRIPTION app_sub CONNECTION '${conninfo}' PUBLICATION app_pub`);
    await waitFor(
      async () => {
        const rows = await db.query<{ ready: string }>(
          `SELECT count(*) FILTER (WHERE srsubstate = 'r') AS ready FROM pg_subscription_rel`,
        );
        return Number(rows[0]?.ready) === 3;
      },
      'the subscription to copy its three copyable tables',
      60_000,
    );
  });
}

/**
 * A standby made the way an operator makes one: pg_basebackup -R with a physical slot, from the
 * full installation's client tools, started on its own port.
 */
async function buildStandby(primary: LocalServer, bindir: string, name: string): Promise<LocalServer> {
  // init gives a directory owned by the server's user and a port; its data directory is then
  // replaced by the base backup (which keeps the primary's superuser password).
  const standby = await LocalServer.init({ bindir, name, password: primary.password });
  try {
    await rm(standby.dataDir, { recursive: true, force: true });
    await standby.run(
      'pg_basebackup',
      [
        '-h', primary.host,
        '-p', String(primary.port),
        '-U', primary.superuser,
        '-D', standby.dataDir,
        '-R', '-X', 'stream', '-c', 'fast',
        '-C', '-S', 'standby_slot',
      ],
      { env: { ...process.env, PGPASSWORD: primary.password, LC_ALL: 'C' } },
    );
    // The copied postgresql.conf points the socket at the primary's directory.
    await standby.configure({ unix_socket_directories: standby.baseDir, hot_standby: true });
    await standby.start();
  } catch (error) {
    await standby.close().catch(() => {});
    throw error;
  }
  return standby;
}

/** Catches the standby up, pauses its replay, then writes on the primary until it is behind. */
async function pauseStandbyBehind(primary: LocalServer, standby: LocalServer): Promise<void> {
  await withAdmin(primary, FIXTURE_DB, (db) => db.query(`UPDATE shop.orders SET status = 'shipped' WHERE id = 2`));
  await using s = await standby.admin(FIXTURE_DB);
  await waitFor(
    async () => {
      const [row] = await s.query<{ status: string }>(`SELECT status FROM shop.orders WHERE id = 2`);
      return row?.status === 'shipped';
    },
    'the standby to replay the primary',
    60_000,
  );
  await s.query(`SELECT pg_wal_replay_pause()`);
  await waitFor(
    async () => (await s.query<{ paused: boolean }>(`SELECT pg_is_wal_replay_paused() AS paused`))[0]?.paused,
    'replay to pause on the standby',
  );
  await withAdmin(primary, FIXTURE_DB, (db) =>
    db.query(`INSERT INTO shop.orders (customer_id, total) SELECT 1 + g % 200, g FROM generate_series(1, 1000) g`),
  );
  await waitFor(
    async () => {
      const [row] = await s.query<{ behind: string | null }>(
        `SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS behind`,
      );
      return Number(row?.behind ?? 0) > 0;
    },
    'the standby to receive WAL it does not replay',
    60_000,
  );
}

/**
 * Sessions the activity check must see: a prepared transaction holding a SHARE lock, a session
 * waiting for an EXCLUSIVE lock behind it, one idle in a transaction and one long-running query.
 * Created last: a prepared transaction holds back logical slot creation.
 */
async function startActivity(primary: LocalServer): Promise<Session[]> {
  const open = (applicationName: string) =>
    openSession(primary.endpoint(FIXTURE_DB), { readOnly: false, statementTimeoutMs: 0, lockTimeoutMs: 0, applicationName });
  const prepared = await open('fixture-prepared');
  await prepared.query(`BEGIN; LOCK TABLE shop.lock_target IN SHARE MODE; PREPARE TRANSACTION 'fixture_prepared'`);
  await prepared.close();
  const idle = await open('fixture-idle');
  await idle.query(`BEGIN; SELECT count(*) FROM shop.customers`);
  const sleeper = await open('fixture-sleeper');
  const waiter = await open('fixture-waiter');
  // These never finish on their own; they fail when the server stops, which is expected.
  void sleeper.query(`SELECT pg_sleep(3600)`).catch(() => {});
  void waiter.query(`BEGIN; LOCK TABLE shop.lock_target IN EXCLUSIVE MODE`).catch(() => {});
  await withAdmin(primary, FIXTURE_DB, (db) =>
    waitFor(
      async () => {
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE (application_name = 'fixture-sleeper' AND state = 'active' AND wait_event = 'PgSleep')
               OR (application_name = 'fixture-waiter' AND wait_event_type = 'Lock')`,
        );
        return Number(row?.n) === 2;
      },
      'the sleeping and the waiting session',
    ),
  );
  return [idle, sleeper, waiter];
}

/** Ends the fixture's sessions: the sleeping and waiting ones would not read a polite goodbye. */
async function stopActivity(primary: LocalServer, sessions: Session[]): Promise<void> {
  await withAdmin(primary, FIXTURE_DB, (db) =>
    db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'fixture-%'`),
  );
  await Promise.all(sessions.map((s) => s.close()));
}
