import type { Session } from '../core/session.js';

/** A table or sequence, by schema and name. */
export interface RelationRef {
  schema: string;
  name: string;
}

/** What logical replication cannot carry, in one database. */
export interface BluegreenObjects {
  /** Tables whose UPDATE and DELETE cannot be replicated: no primary key, and no REPLICA IDENTITY FULL or USING INDEX. */
  noReplicaIdentity: (RelationRef & { replicaIdentity: 'default' | 'nothing' | 'index' })[];
  /** Unlogged tables and sequences: never replicated, empty on green. */
  unlogged: (RelationRef & { kind: 'table' | 'partitioned table' | 'sequence' })[];
  /** Large objects (pg_largeobject_metadata): not replicated. */
  largeObjects: { count: number; sample: string[] };
  /** Materialized views: green gets their definition, not a refresh. */
  materializedViews: RelationRef[];
  /** Publications and subscriptions of this database: the blue cannot be a logical source or target of its own. */
  publications: string[];
  subscriptions: string[];
  /** Installed extensions AWS lists with Blue/Green limitations. */
  limitedExtensions: string[];
}

/** Extensions the AWS Blue/Green documentation names with limitations for PostgreSQL. */
export const LIMITED_EXTENSIONS = ['pglogical', 'pgactive', 'pg_partman', 'pg_cron'];

const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp'`;
const IDENTITY: Record<string, 'default' | 'nothing' | 'index'> = { d: 'default', n: 'nothing', i: 'index' };
const KIND: Record<string, 'table' | 'partitioned table' | 'sequence'> = { r: 'table', p: 'partitioned table', S: 'sequence' };

/** Reads the catalog of one database (nothing but catalog tables: no lock on user tables). */
export async function collectBluegreenObjects(db: Session): Promise<BluegreenObjects> {
  const noIdentity = await db.query<{ schema: string; name: string; ident: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relreplident AS ident
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND ${USER_SCHEMA}
        AND NOT (c.relreplident = 'f'
             OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
             OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND i.indisvalid)))
      ORDER BY 1, 2`,
  );
  const unlogged = await db.query<{ schema: string; name: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relpersistence = 'u' AND c.relkind IN ('r', 'p', 'S') AND ${USER_SCHEMA}
      ORDER BY 1, 2`,
  );
  const [lo] = await db.query<{ count: string; sample: string[] | null }>(
    `SELECT (SELECT count(*) FROM pg_largeobject_metadata)::text AS count,
            ARRAY(SELECT oid::text FROM pg_largeobject_metadata ORDER BY oid LIMIT 5) AS sample`,
  );
  const matviews = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'm' AND ${USER_SCHEMA} ORDER BY 1, 2`,
  );
  const pubs = await db.query<{ name: string }>(`SELECT pubname AS name FROM pg_publication ORDER BY 1`);
  const subs = await db.query<{ name: string }>(
    `SELECT subname AS name FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1`,
  );
  const exts = await db.query<{ name: string }>(`SELECT extname AS name FROM pg_extension WHERE extname = ANY($1::text[]) ORDER BY 1`, [LIMITED_EXTENSIONS]);
  return {
    noReplicaIdentity: noIdentity.map((r) => ({ schema: r.schema, name: r.name, replicaIdentity: IDENTITY[r.ident] ?? 'default' })),
    unlogged: unlogged.map((r) => ({ schema: r.schema, name: r.name, kind: KIND[r.kind] ?? 'table' })),
    largeObjects: { count: Number(lo?.count ?? 0), sample: lo?.sample ?? [] },
    materializedViews: matviews,
    publications: pubs.map((p) => p.name),
    subscriptions: subs.map((s) => s.name),
    limitedExtensions: exts.map((e) => e.name),
  };
}
