import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import type { Cluster } from '../topology/cluster.js';

/** The publication on blue and the subscription (and its slot) on green, by one name. */
export interface Replication {
  /** Publication, subscription and replication slot share it. */
  name: string;
  blue: Cluster;
  green: Cluster;
}

/** A libpq conninfo string green's subscription uses to reach blue (stored in green's catalog). */
export function conninfo(e: Endpoint): string {
  const value = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const parts = [`host=${value(e.host)}`, `port=${e.port}`, `dbname=${value(e.database)}`, `user=${value(e.user)}`, `sslmode=${e.sslmode}`];
  if (e.password) parts.push(`password=${value(e.password)}`);
  return parts.join(' ');
}

/** FOR ALL TABLES on blue: tables created later are published too. */
export async function createPublication(r: Replication): Promise<void> {
  await using db = await r.blue.admin();
  await db.query(`CREATE PUBLICATION ${quoteIdentifier(r.name)} FOR ALL TABLES`);
}

/** The subscription on green: it creates its slot on blue and starts the initial copy of every table. */
export async function createSubscription(r: Replication): Promise<void> {
  await using db = await r.green.admin();
  const connection = conninfo(r.blue.endpoint()).replace(/'/g, "''");
  // CREATE SUBSCRIPTION takes no parameters: the conninfo is a quoted literal. synchronous_commit
  // on: the apply worker reports a position as flushed as soon as it committed it, rather than after
  // the WAL writer's next round and its own next report (seconds), which the drain would wait out.
  await db.query(
    `CREATE SUBSCRIPTION ${quoteIdentifier(r.name)} CONNECTION '${connection}' PUBLICATION ${quoteIdentifier(r.name)} WITH (copy_data = true, synchronous_commit = 'on')`,
  );
}

/** Tables of the subscription not yet in state `r` (ready), by state. */
export async function tablesNotReady(green: Session, name: string): Promise<{ table: string; state: string }[]> {
  return green.query<{ table: string; state: string }>(
    `SELECT r.srrelid::regclass::text AS table, r.srsubstate::text AS state
     FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
     WHERE s.subname = $1 AND r.srsubstate <> 'r' ORDER BY 1`,
    [name],
  );
}

/** Tables the subscription covers. */
export async function subscribedTables(green: Session, name: string): Promise<number> {
  const [row] = await green.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = $1`,
    [name],
  );
  return Number(row?.n ?? 0);
}

/** Blue's WAL position and how far behind it the subscription's slot has confirmed (bytes). */
export async function slotLag(blue: Session, name: string): Promise<{ currentLsn: string; confirmedLsn: string | null; lagBytes: number | null }> {
  const [row] = await blue.query<{ current: string; confirmed: string | null; lag: string | null }>(
    `SELECT pg_current_wal_lsn()::text AS current, s.confirmed_flush_lsn::text AS confirmed,
            pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::text AS lag
     FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_name = $1`,
    [name],
  );
  return { currentLsn: row?.current ?? '', confirmedLsn: row?.confirmed ?? null, lagBytes: row?.lag === null || row?.lag === undefined ? null : Number(row.lag) };
}

/** Whether the slot has confirmed everything up to `lsn` (a WAL position taken on blue). */
export async function slotReached(blue: Session, name: string, lsn: string): Promise<boolean> {
  const [row] = await blue.query<{ reached: boolean | null }>(
    `SELECT confirmed_flush_lsn >= $2::pg_lsn AS reached FROM pg_replication_slots WHERE slot_name = $1`,
    [name, lsn],
  );
  return row?.reached === true;
}

/**
 * Stops replication: the subscription is disabled, detached from its slot and dropped on green,
 * then the slot is dropped on blue (so blue keeps no WAL for it). Idempotent.
 */
export async function dropReplication(r: Replication): Promise<void> {
  const sub = quoteIdentifier(r.name);
  {
    await using green = await r.green.admin();
    const exists = await green.query(`SELECT 1 FROM pg_subscription WHERE subname = $1`, [r.name]);
    if (exists.length) {
      await green.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
      await green.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
      await green.query(`DROP SUBSCRIPTION ${sub}`);
    }
  }
  await using blue = await r.blue.admin();
  // The walsender may still hold the slot for a moment after the subscription is disabled.
  for (let attempt = 0; ; attempt++) {
    const rows = await blue.query<{ active: boolean }>(`SELECT active FROM pg_replication_slots WHERE slot_name = $1`, [r.name]);
    if (!rows.length) break;
    if (!rows[0]?.active) {
      await blue.query(`SELECT pg_drop_replication_slot($1)`, [r.name]);
      break;
    }
    if (attempt > 400) throw new CutoverError('query', `replication slot "${r.name}" on blue is still in use 10 s after its subscription was dropped`);
    if (attempt > 200) {
      await blue.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1`, [r.name]);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await blue.query(`DROP PUBLICATION IF EXISTS ${quoteIdentifier(r.name)}`);
}
