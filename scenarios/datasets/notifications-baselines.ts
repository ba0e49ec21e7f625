/** A named query whose EXPLAIN plan the checks keep as a baseline. */
export interface DatasetBaseline {
  name: string;
  sql: string;
  /** Measured, not only estimated: a plan is judged by its shape and its measured time. */
  analyze: boolean;
  /** Runs per suite: the median is compared, the spread of the runs is the noise margin. */
  repeat: number;
}

/** What every dataset baseline runs: EXPLAIN ANALYZE five times (after one warm-up run). */
const MEASURED = { analyze: true, repeat: 5 } as const;

/** Named queries of the notifications dataset whose EXPLAIN plans a rehearsal keeps as baselines. */
export const NOTIFICATIONS_BASELINES: DatasetBaseline[] = [
  {
    name: 'recent-notifications-of-a-user',
    sql: `SELECT id, kind, created_at FROM app.notifications WHERE user_id = 42 ORDER BY created_at DESC LIMIT 20`,
    ...MEASURED,
  },
  {
    name: 'unread-count-per-kind',
    sql: `SELECT kind, count(*) FROM app.notifications WHERE status = 'unread' GROUP BY kind`,
    ...MEASURED,
  },
  {
    name: 'users-with-settings',
    sql: `SELECT u.email, s.settings->>'locale' AS locale FROM app.users u JOIN app.user_settings s USING (user_id) WHERE u.created_at > now() - interval '30 days'`,
    ...MEASURED,
  },
];

/** Baselines on the tables added beside the original three queries (deliveries, JSONB containment). */
const RELATIONAL_BASELINES: DatasetBaseline[] = [
  {
    name: 'failed-deliveries-of-a-user',
    sql: `SELECT d.id, d.channel, d.attempt, n.kind FROM app.deliveries d JOIN app.notifications n ON n.id = d.notification_id WHERE n.user_id = 7 AND d.status = 'failed' ORDER BY d.attempted_at DESC LIMIT 20`,
    ...MEASURED,
  },
  {
    name: 'payload-containment',
    // Answered by the GIN (jsonb_path_ops) index on payload.
    sql: `SELECT count(*) FROM app.notifications WHERE payload @> '{"priority": 3, "tags": ["billing"]}'`,
    ...MEASURED,
  },
  {
    name: 'status-history-of-a-notification',
    sql: `SELECT to_status, at FROM app.notification_events WHERE notification_id = 1234 ORDER BY at`,
    ...MEASURED,
  },
];

/** Only where pgvector is installed: a nearest-neighbour search the HNSW index answers. */
const VECTOR_BASELINES: DatasetBaseline[] = [
  {
    name: 'nearest-embeddings',
    sql: `SELECT notification_id FROM app.notification_embeddings ORDER BY embedding <-> (SELECT embedding FROM app.notification_embeddings WHERE notification_id = 5) LIMIT 10`,
    ...MEASURED,
  },
];

/**
 * The baselines that fit a seeded database: the vector query only when the dataset has embeddings
 * (`seedNotifications(...).vector`), since EXPLAIN of it fails where pgvector is absent.
 */
export function datasetBaselines(hasVector: boolean): DatasetBaseline[] {
  return [...NOTIFICATIONS_BASELINES, ...RELATIONAL_BASELINES, ...(hasVector ? VECTOR_BASELINES : [])];
}
