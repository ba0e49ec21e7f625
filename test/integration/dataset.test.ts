import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { datasetBaselines, notificationsSizes, seedNotifications, type SeededNotifications } from '../../scenarios/datasets/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import type { Session } from '../../core/session.js';

/**
 * The notifications dataset seeded on an embedded 17 (no pgvector) and on the lab's 17 (pgvector):
 * its tables, keys, sequences, populated materialized view and vector indexes, its row counts at
 * two scales, and a default check suite (with the dataset's EXPLAIN baselines) that collects every
 * check without error.
 */

const TABLES = ['deliveries', 'notification_events', 'notifications', 'user_settings', 'users'];

async function count(db: Session, sql: string): Promise<number> {
  const rows = await db.query<{ n: string }>(sql);
  return Number(rows[0]?.n);
}

async function tableCounts(db: Session): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [...TABLES, 'notification_embeddings']) {
    const exists = await count(db, `SELECT count(*) AS n FROM pg_class WHERE oid = to_regclass('app.${t}')`);
    if (exists) out[t] = await count(db, `SELECT count(*) AS n FROM app.${t}`);
  }
  return out;
}

async function expectSchema(db: Session, seeded: SeededNotifications): Promise<void> {
  const tables = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind = 'r' ORDER BY relname`,
  );
  expect(tables.map((t) => t.relname)).toEqual(seeded.vector ? [...TABLES.slice(0, 1), 'notification_embeddings', ...TABLES.slice(1)] : TABLES);
  const fks = await db.query<{ conname: string; child: string; parent: string }>(
    `SELECT conname, conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
     WHERE contype = 'f' AND connamespace = 'app'::regnamespace ORDER BY 2, 3`,
  );
  expect(fks.map((f) => `${f.child}->${f.parent}`)).toEqual([
    'app.deliveries->app.notifications',
    ...(seeded.vector ? ['app.notification_embeddings->app.notifications'] : []),
    'app.notification_events->app.notifications',
    'app.notifications->app.users',
    'app.user_settings->app.users',
  ]);
  // Three ways to number rows: identity (users, events), serial (deliveries), an explicit sequence (notifications).
  const identities = await db.query<{ t: string; identity: string }>(
    `SELECT attrelid::regclass::text AS t, attidentity AS identity FROM pg_attribute
     WHERE attidentity <> '' AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'app'::regnamespace) ORDER BY 1`,
  );
  expect(identities).toEqual([
    { t: 'app.notification_events', identity: 'a' },
    { t: 'app.users', identity: 'd' },
  ]);
  const sequences = await db.query<{ seq: string; last: string }>(
    `SELECT schemaname || '.' || sequencename AS seq, last_value::text AS last FROM pg_sequences WHERE schemaname = 'app' ORDER BY 1`,
  );
  expect(Object.fromEntries(sequences.map((s) => [s.seq, Number(s.last)]))).toEqual({
    'app.deliveries_id_seq': seeded.deliveries,
    'app.notification_events_id_seq': seeded.events,
    'app.notification_id_seq': seeded.notifications,
    'app.users_user_id_seq': seeded.users,
  });
  const matviews = await db.query<{ matviewname: string; ispopulated: boolean }>(`SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'app'`);
  expect(matviews).toEqual([{ matviewname: 'daily_counts', ispopulated: true }]);
  expect(await count(db, `SELECT sum(n) AS n FROM app.daily_counts`)).toBe(seeded.notifications);
  const gin = await db.query<{ indexrelid: string }>(
    `SELECT i.indexrelid::regclass::text AS indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
     WHERE a.amname = 'gin' AND c.relnamespace = 'app'::regnamespace ORDER BY 1`,
  );
  expect(gin.map((g) => g.indexrelid)).toEqual(['app.notifications_payload', 'app.user_settings_settings']);
}

async function vectorIndexes(db: Session): Promise<{ name: string; method: string; valid: boolean }[]> {
  return db.query(
    `SELECT c.relname AS name, a.amname AS method, i.indisvalid AND i.indisready AS valid FROM pg_index i
     JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
     WHERE a.amname IN ('hnsw', 'ivfflat') ORDER BY 1`,
  );
}

async function expectCleanSuite(server: LocalServer, database: string, seeded: SeededNotifications): Promise<void> {
  const baselines = datasetBaselines(seeded.vector);
  const config = resolveConfig({ explain: { queries: baselines } });
  const snapshot = await runSuite({ endpoint: server.endpoint(database), suite: 'pre', config });
  const errors = Object.entries(snapshot.checks).filter(([, c]) => c.status === 'error');
  expect(errors.map(([id, c]) => `${id}: ${c.status === 'error' ? c.reason : ''}`)).toEqual([]);
  const explain = snapshot.checks['explain.baselines'];
  expect(explain?.status).toBe('ok');
  const collected = (explain?.data as { baselines: { name: string; status: string }[] }).baselines;
  expect(collected.map((b) => [b.name, b.status])).toEqual(baselines.map((b) => [b.name, 'ok']));
}

describe('notifications dataset on embedded 17 (no pgvector)', () => {
  let server: LocalServer;
  let seeded: SeededNotifications;
  let small: SeededNotifications;

  beforeAll(async () => {
    server = await LocalServer.start({ version: '17', name: 'dataset-embedded-17' });
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE app');
    await admin.query('CREATE DATABASE small');
    await using app = await server.admin('app');
    seeded = await seedNotifications(app, 1);
    await using smallDb = await server.admin('small');
    small = await seedNotifications(smallDb, 0.2);
  });
  afterAll(() => server?.close());

  it('writes the schema without embeddings: tables, foreign keys, sequences, GIN indexes, a populated materialized view', async () => {
    expect(seeded.vector).toBe(false);
    expect(seeded.embeddings).toBe(0);
    await using app = await server.admin('app');
    await expectSchema(app, seeded);
    expect(await vectorIndexes(app)).toEqual([]);
  });

  it('writes row counts proportional to the scale, exactly as notificationsSizes says', async () => {
    await using app = await server.admin('app');
    await using smallDb = await server.admin('small');
    const big = await tableCounts(app);
    const little = await tableCounts(smallDb);
    const sizes = notificationsSizes(1);
    expect(big).toEqual({ users: sizes.users, user_settings: sizes.users, notifications: sizes.notifications, deliveries: sizes.deliveries, notification_events: sizes.events });
    expect(little.notifications).toBe(small.notifications);
    for (const t of TABLES) expect((big[t] ?? 0) / (little[t] ?? 1), t).toBeCloseTo(5, 1);
  });

  it('holds the same data when seeded twice (values derive from row numbers)', async () => {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE again');
    await using again = await server.admin('again');
    await seedNotifications(again, 0.2);
    const digest = `SELECT md5(string_agg(id || kind || status || payload::text, ',' ORDER BY id)) AS n FROM app.notifications`;
    await using smallDb = await server.admin('small');
    const [a, b] = await Promise.all([again.query(digest), smallDb.query(digest)]);
    expect(a).toEqual(b);
  });

  it('leaves no check of the default suite in error, and every dataset baseline explains', async () => {
    await expectCleanSuite(server, 'app', seeded);
  });
});

const lab17 = findLab()?.bindir(17);

describe.skipIf(!lab17)('notifications dataset on the lab 17 (pgvector; skipped when the upgrade lab is not installed)', () => {
  let server: LocalServer;
  let seeded: SeededNotifications;

  beforeAll(async () => {
    server = await LocalServer.start({ bindir: lab17, name: 'dataset-lab-17' });
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE app');
    await using app = await server.admin('app');
    seeded = await seedNotifications(app, 1);
  });
  afterAll(() => server?.close());

  it('adds embeddings with valid HNSW and IVFFlat indexes', async () => {
    expect(seeded.vector).toBe(true);
    await using app = await server.admin('app');
    await expectSchema(app, seeded);
    expect(await count(app, `SELECT count(*) AS n FROM app.notification_embeddings`)).toBe(notificationsSizes(1).embeddings);
    expect(await vectorIndexes(app)).toEqual([
      { name: 'notification_embeddings_hnsw', method: 'hnsw', valid: true },
      { name: 'notification_embeddings_ivfflat', method: 'ivfflat', valid: true },
    ]);
    // The nearest neighbour of a row is the row itself: the vectors are distinct and the index finds them.
    await app.query('SET enable_seqscan = off');
    const nearest = await app.query<{ id: string }>(
      `SELECT notification_id AS id FROM app.notification_embeddings ORDER BY embedding <-> (SELECT embedding FROM app.notification_embeddings WHERE notification_id = 5) LIMIT 1`,
    );
    expect(nearest).toEqual([{ id: '5' }]);
  });

  it('leaves no check of the default suite in error, the nearest-neighbour baseline included', async () => {
    await expectCleanSuite(server, 'app', seeded);
  });
});
