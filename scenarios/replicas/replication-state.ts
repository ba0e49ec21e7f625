import { CutoverError } from '../../core/errors.js';
import { openSession } from '../../core/session.js';
import { pollUntil } from '../logical/poll.js';
import type { Cluster } from '../topology/cluster.js';

/** Whether a server is a standby (in recovery); undefined when it does not answer. */
export async function inRecovery(cluster: Cluster): Promise<boolean | undefined> {
  try {
    await using db = await openSession(cluster.endpoint('postgres'), { applicationName: 'cutover-admin', statementTimeoutMs: 5_000 });
    const [row] = await db.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    return row?.r;
  } catch {
    return undefined;
  }
}

/** How far a standby got: bytes of WAL received and replayed (LSNs as numbers, comparable). */
export interface StandbyPosition {
  role: string;
  receivedLsn: string | null;
  replayedLsn: string | null;
  /** The larger of the two, in bytes since 0/0: what a promotion keeps. */
  bytes: number;
}

/** Where a standby stands; undefined when it does not answer or is no standby. */
export async function standbyPosition(cluster: Cluster): Promise<StandbyPosition | undefined> {
  try {
    await using db = await openSession(cluster.endpoint('postgres'), { applicationName: 'cutover-admin', statementTimeoutMs: 5_000 });
    const [row] = await db.query<{ r: boolean; received: string | null; replayed: string | null; rb: string | null; pb: string | null }>(
      `SELECT pg_is_in_recovery() AS r, pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed,
              pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::text AS rb, pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text AS pb`,
    );
    if (!row?.r) return undefined;
    return { role: cluster.role, receivedLsn: row.received, replayedLsn: row.replayed, bytes: Math.max(Number(row.rb ?? 0), Number(row.pb ?? 0)) };
  } catch {
    return undefined;
  }
}

/** A physical slot on the primary, reserving WAL at once (before a base backup starts). */
export async function ensurePhysicalSlot(primary: Cluster, slot: string): Promise<void> {
  await using db = await primary.admin('postgres');
  const found = await db.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
  if (!found.length) await db.query(`SELECT pg_create_physical_replication_slot($1, true)`, [slot]);
}

/** Drops a slot the primary holds for a server that no longer streams from it (idle only). */
export async function dropSlotIfIdle(primary: Cluster, slot: string): Promise<void> {
  await using db = await primary.admin('postgres');
  await db.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`, [slot]);
}

/**
 * `synchronous_standby_names` on the primary (ALTER SYSTEM, then a reload): commits wait for the
 * first of `names` that streams; none: asynchronous.
 */
export async function setSyncStandbys(primary: Cluster, names: readonly string[]): Promise<void> {
  await using db = await primary.admin('postgres');
  const value = names.length ? `FIRST 1 (${names.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ')})` : '';
  await db.query(`ALTER SYSTEM SET synchronous_standby_names = '${value.replace(/'/g, "''")}'`);
  await db.query('SELECT pg_reload_conf()');
}

/** Waits until the primary shows `applicationName` streaming (pg_stat_replication), and returns its sync state. */
export async function waitStreaming(primary: Cluster, applicationName: string, o: { timeoutMs?: number; signal?: AbortSignal; sync?: boolean } = {}): Promise<string> {
  let seen = 'not connected';
  return pollUntil({
    timeoutMs: o.timeoutMs ?? 60_000,
    intervalMs: 50,
    ...(o.signal ? { signal: o.signal } : {}),
    probe: async () => {
      await using db = await openSession(primary.endpoint('postgres'), { applicationName: 'cutover-admin', statementTimeoutMs: 5_000 });
      const [row] = await db.query<{ state: string; sync_state: string }>(`SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1`, [applicationName]);
      if (!row) return undefined;
      seen = `${row.state}, ${row.sync_state}`;
      if (row.state !== 'streaming') return undefined;
      if (o.sync && row.sync_state !== 'sync') return undefined;
      return row.sync_state;
    },
    timeoutError: () => new CutoverError('provision', `${applicationName} is not streaming from ${primary.role} (${describeLast(seen)})`),
  });
}

/**
 * Promotes a standby (`pg_promote`, waiting) and waits until it leaves recovery; returns how long
 * the promotion took, in ms.
 */
export async function promoteStandby(standby: Cluster, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number> {
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? 60_000;
  {
    await using db = await openSession(standby.endpoint('postgres'), { readOnly: false, applicationName: 'cutover-admin', statementTimeoutMs: timeoutMs + 5_000 });
    const [row] = await db.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    if (!row?.r) throw new CutoverError('usage', `promote: ${standby.role} is no standby (not in recovery)`);
    await db.query(`SELECT pg_promote(true, $1)`, [Math.ceil(timeoutMs / 1000)]);
  }
  await pollUntil({
    timeoutMs,
    ...(o.signal ? { signal: o.signal } : {}),
    probe: async () => ((await inRecovery(standby)) === false ? true : undefined),
    timeoutError: () => new CutoverError('provision', `promote: ${standby.role} still in recovery after ${timeoutMs} ms`),
  });
  return Date.now() - started;
}

function describeLast(seen: string): string {
  return `last seen: ${seen}`;
}
