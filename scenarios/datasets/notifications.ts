import type { Session } from '../../core/session.js';
import { seedEmbeddings, vectorAvailable } from './notifications-embeddings.js';

export { NOTIFICATIONS_BASELINES, datasetBaselines, type DatasetBaseline } from './notifications-baselines.js';

/** How many rows of each table a scale gives (1 = 1,000 users and 10,000 notifications). */
export interface NotificationsSizes {
  users: number;
  notifications: number;
  /** One attempt per notification, and a retry for every tenth (its first attempt failed). */
  deliveries: number;
  /** Status changes: created for all, read for every fourth, archived for every twentieth. */
  events: number;
  /** Rows of the embeddings table (a fifth of the notifications) where pgvector exists. */
  embeddings: number;
}

/** What `seedNotifications` wrote. */
export interface SeededNotifications extends NotificationsSizes {
  /** Whether pgvector was available, so the embeddings table and its indexes exist. */
  vector: boolean;
}

export interface SeedOptions {
  /** `auto` (default): embeddings only where pg_available_extensions lists `vector`. */
  vector?: 'auto' | boolean;
}

/** Row counts at a scale; `seedNotifications` writes exactly these. */
export function notificationsSizes(scale: number): NotificationsSizes {
  const users = Math.max(10, Math.round(1_000 * scale));
  const notifications = Math.max(100, Math.round(10_000 * scale));
  return {
    users,
    notifications,
    deliveries: notifications + Math.floor(notifications / 10),
    events: notifications + Math.floor(notifications / 4) + Math.floor(notifications / 20),
    embeddings: Math.floor(notifications / 5),
  };
}

/**
 * A realistic notifications schema in schema `app`: users (identity) with JSONB settings,
 * notifications (an explicit sequence, JSONB payload under a GIN index) whose status was updated,
 * their status history and delivery attempts (serial), foreign keys, a view, a populated
 * materialized view and, where pgvector exists, embeddings under HNSW and IVFFlat indexes.
 * Values are derived from row numbers, so two seedings at one scale hold the same data (only
 * timestamps are relative to the seeding time, so "recent" queries keep finding rows).
 */
export async function seedNotifications(db: Session, scale = 1, options: SeedOptions = {}): Promise<SeededNotifications> {
  const sizes = notificationsSizes(scale);
  const vector = options.vector === undefined || options.vector === 'auto' ? await vectorAvailable(db) : options.vector;
  await db.query(SCHEMA_SQL);
  await db.query(
    `INSERT INTO app.users (email, created_at)
     SELECT 'user' || g || '@example.com', now() - (g % 90) * interval '1 day' FROM generate_series(1, $1::int) g`,
    [sizes.users],
  );
  await db.query(
    `INSERT INTO app.user_settings (user_id, settings)
     SELECT user_id, jsonb_build_object('locale', (ARRAY['en','de','fr'])[1 + user_id % 3], 'digest', user_id % 2 = 0,
                                        'channels', jsonb_build_array('email', CASE WHEN user_id % 3 = 0 THEN 'sms' ELSE 'push' END))
     FROM app.users`,
  );
  await db.query(
    `INSERT INTO app.notifications (user_id, kind, status, payload, created_at)
     SELECT 1 + g % $2::int, (ARRAY['email','sms','push'])[1 + g % 3], 'unread',
            jsonb_build_object('title', 'Notification ' || g, 'priority', g % 5,
                               'tags', jsonb_build_array((ARRAY['billing','security','social','digest'])[1 + g % 4])),
            now() - (g % 10000) * interval '1 minute'
     FROM generate_series(1, $1::int) g`,
    [sizes.notifications, sizes.users],
  );
  await db.query(STATUS_FLOW_SQL);
  await db.query(DELIVERIES_SQL);
  await db.query(INDEXES_SQL);
  if (vector) await seedEmbeddings(db, sizes.embeddings);
  await db.query(`
    CREATE MATERIALIZED VIEW app.daily_counts AS
      SELECT date_trunc('day', created_at) AS day, kind, count(*) AS n FROM app.notifications GROUP BY 1, 2;
    CREATE UNIQUE INDEX daily_counts_day_kind ON app.daily_counts (day, kind);
  `);
  await db.query('ANALYZE');
  return { ...sizes, embeddings: vector ? sizes.embeddings : 0, vector };
}

/**
 * The dataset's schema alone, empty (the materialized view too): what a logical blue/green puts on
 * green before the initial copy when no pg_dump of green's version is at hand.
 */
export async function createNotificationsSchema(db: Session, options: { vector: boolean }): Promise<void> {
  await db.query(SCHEMA_SQL);
  await db.query(INDEXES_SQL);
  if (options.vector) await seedEmbeddings(db, 0);
  await db.query(`
    CREATE MATERIALIZED VIEW app.daily_counts AS
      SELECT date_trunc('day', created_at) AS day, kind, count(*) AS n FROM app.notifications GROUP BY 1, 2;
    CREATE UNIQUE INDEX daily_counts_day_kind ON app.daily_counts (day, kind);
  `);
}

// Secondary indexes and foreign keys come after the load, as pg_restore does them: one sort and
// one validating join instead of a GIN insertion and a key lookup per row.
const INDEXES_SQL = `
  ALTER TABLE app.user_settings ADD FOREIGN KEY (user_id) REFERENCES app.users ON DELETE CASCADE;
  ALTER TABLE app.notifications ADD FOREIGN KEY (user_id) REFERENCES app.users;
  ALTER TABLE app.notification_events ADD FOREIGN KEY (notification_id) REFERENCES app.notifications ON DELETE CASCADE;
  ALTER TABLE app.deliveries ADD FOREIGN KEY (notification_id) REFERENCES app.notifications ON DELETE CASCADE;
  CREATE INDEX user_settings_settings ON app.user_settings USING gin (settings);
  CREATE INDEX notifications_user_created ON app.notifications (user_id, created_at DESC);
  CREATE INDEX notifications_payload ON app.notifications USING gin (payload jsonb_path_ops);
  CREATE INDEX notification_events_notification ON app.notification_events (notification_id, at);
  CREATE INDEX deliveries_failed ON app.deliveries (attempted_at) WHERE status = 'failed';
`;

const SCHEMA_SQL = `
  CREATE SCHEMA IF NOT EXISTS app;
  CREATE TABLE app.users (
    user_id    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE app.user_settings (
    user_id  bigint PRIMARY KEY,
    settings jsonb NOT NULL DEFAULT '{}'
  );
  CREATE SEQUENCE app.notification_id_seq;
  CREATE TABLE app.notifications (
    id         bigint PRIMARY KEY DEFAULT nextval('app.notification_id_seq'),
    user_id    bigint NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('email', 'sms', 'push')),
    status     text NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'archived')),
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  ALTER SEQUENCE app.notification_id_seq OWNED BY app.notifications.id;
  CREATE TABLE app.notification_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint NOT NULL,
    to_status       text NOT NULL,
    at              timestamptz NOT NULL
  );
  CREATE TABLE app.deliveries (
    id              bigserial PRIMARY KEY,
    notification_id bigint NOT NULL,
    channel         text NOT NULL,
    attempt         int NOT NULL CHECK (attempt > 0),
    status          text NOT NULL CHECK (status IN ('sent', 'failed')),
    attempted_at    timestamptz NOT NULL,
    response        jsonb,
    UNIQUE (notification_id, attempt)
  );
  CREATE VIEW app.unread AS SELECT * FROM app.notifications WHERE status = 'unread';
`;

// The status flow as an application leaves it: rows updated in place (dead tuples and all) and
// every change recorded in the history table.
const STATUS_FLOW_SQL = `
  UPDATE app.notifications SET status = CASE WHEN id % 20 = 0 THEN 'archived' ELSE 'read' END WHERE id % 4 = 0;
  INSERT INTO app.notification_events (notification_id, to_status, at)
    SELECT id, 'unread', created_at FROM app.notifications
    UNION ALL SELECT id, 'read', created_at + interval '5 minutes' FROM app.notifications WHERE id % 4 = 0
    UNION ALL SELECT id, 'archived', created_at + interval '1 day' FROM app.notifications WHERE id % 20 = 0
    ORDER BY 1, 3;
`;

const DELIVERIES_SQL = `
  INSERT INTO app.deliveries (notification_id, channel, attempt, status, attempted_at, response)
    SELECT id, kind, 1, CASE WHEN id % 10 = 0 THEN 'failed' ELSE 'sent' END, created_at + interval '1 second',
           jsonb_build_object('code', CASE WHEN id % 10 = 0 THEN 503 ELSE 200 END)
    FROM app.notifications
    UNION ALL
    SELECT id, kind, 2, 'sent', created_at + interval '1 minute', jsonb_build_object('code', 200)
    FROM app.notifications WHERE id % 10 = 0
    ORDER BY 1, 3;
`;
