import type { Session } from '../core/session.js';

export interface Publication {
  name: string;
  allTables: boolean;
  /** Published operations: insert, update, delete, truncate. */
  operations: string[];
  tableCount: number;
  /** The tables, listed only for a publication that names them (FOR ALL TABLES may be thousands). */
  tables?: string[];
}

/** `pg_subscription_rel.srsubstate`: i init, d data copy, f finished copy, s synchronised, r ready. */
export const TABLE_SYNC_STATES: Record<string, string> = {
  i: 'initialising',
  d: 'copying data',
  f: 'finished copy',
  s: 'synchronised',
  r: 'ready',
};

export interface Subscription {
  name: string;
  enabled: boolean;
  slotName: string | null;
  publications: string[];
  /** Per-table sync state letter (see TABLE_SYNC_STATES). */
  tables: Record<string, string>;
  /** The apply worker, from pg_stat_subscription; null when none runs. */
  worker: {
    pid: number;
    receivedLsn: string | null;
    latestEndLsn: string | null;
    latestEndTime: string | null;
    lastMessageAt: string | null;
  } | null;
}

export interface LogicalReplication {
  publications: Publication[];
  subscriptions: Subscription[];
}

/**
 * Publications and subscriptions of the database the session is on. pg_subscription is a shared
 * catalog, but its tables' states (pg_subscription_rel) live in the subscription's database. Only
 * the columns granted to every role are read (subconninfo, which may hold a password, is not).
 */
export async function collectLogical(db: Session): Promise<LogicalReplication> {
  const pubs = await db.query<{
    name: string;
    puballtables: boolean;
    pubinsert: boolean;
    pubupdate: boolean;
    pubdelete: boolean;
    pubtruncate: boolean;
    tables: string[] | null;
    table_count: string;
  }>(
    `SELECT p.pubname AS name, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
            (SELECT count(*) FROM pg_publication_tables t WHERE t.pubname = p.pubname) AS table_count,
            CASE WHEN NOT p.puballtables THEN
              ARRAY(SELECT format('%I.%I', t.schemaname, t.tablename) FROM pg_publication_tables t
                     WHERE t.pubname = p.pubname ORDER BY 1) END AS tables
       FROM pg_publication p
      ORDER BY p.pubname`,
  );
  const subs = await db.query<{ oid: number; name: string; enabled: boolean; slot: string | null; publications: string[] }>(
    `SELECT s.oid, s.subname AS name, s.subenabled AS enabled, s.subslotname AS slot, s.subpublications AS publications
       FROM pg_subscription s
      WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY s.subname`,
  );
  const subscriptions: Subscription[] = [];
  if (subs.length) {
    const rels = await db.query<{ subid: number; tbl: string; state: string }>(
      `SELECT r.srsubid AS subid, format('%I.%I', n.nspname, c.relname) AS tbl, r.srsubstate::text AS state
         FROM pg_subscription_rel r
         JOIN pg_class c ON c.oid = r.srrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        ORDER BY 2`,
    );
    // The apply worker has no relid; from 16 on, parallel apply workers have a leader.
    const leaderOnly = db.serverVersionNum >= 160000 ? 'AND leader_pid IS NULL' : '';
    const workers = await db.query<{
      subid: number;
      pid: number;
      received_lsn: string | null;
      latest_end_lsn: string | null;
      latest_end_time: Date | null;
      last_msg_receipt_time: Date | null;
    }>(
      `SELECT subid, pid, received_lsn::text AS received_lsn, latest_end_lsn::text AS latest_end_lsn,
              latest_end_time, last_msg_receipt_time
         FROM pg_stat_subscription
        WHERE relid IS NULL AND pid IS NOT NULL ${leaderOnly}`,
    );
    for (const s of subs) {
      const worker = workers.find((w) => w.subid === s.oid);
      subscriptions.push({
        name: s.name,
        enabled: s.enabled,
        slotName: s.slot,
        publications: s.publications,
        tables: Object.fromEntries(rels.filter((r) => r.subid === s.oid).map((r) => [r.tbl, r.state])),
        worker: worker
          ? {
              pid: worker.pid,
              receivedLsn: worker.received_lsn,
              latestEndLsn: worker.latest_end_lsn,
              latestEndTime: worker.latest_end_time?.toISOString() ?? null,
              lastMessageAt: worker.last_msg_receipt_time?.toISOString() ?? null,
            }
          : null,
      });
    }
  }
  return {
    publications: pubs.map((p) => ({
      name: p.name,
      allTables: p.puballtables,
      operations: (['insert', 'update', 'delete', 'truncate'] as const).filter((op) => p[`pub${op}`]),
      tableCount: Number(p.table_count),
      ...(p.tables ? { tables: p.tables } : {}),
    })),
    subscriptions,
  };
}
