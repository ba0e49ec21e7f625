import type { Session } from '../core/session.js';
import { roundMs } from './round-ms.js';

/** One client session, as kept for the ones worth a look. */
export interface SessionInfo {
  pid: number;
  database: string | null;
  user: string | null;
  applicationName: string;
  state: string | null;
  /** Since the current (or last) query started. */
  queryMs: number | null;
  /** Since the transaction started. */
  transactionMs: number | null;
  /** Since the state last changed (for idle in transaction: how long it has been idle). */
  stateMs: number | null;
  waitEvent: string | null;
  /** The first 200 characters of the query. */
  query: string | null;
}

export interface PreparedTransaction {
  gid: string;
  database: string;
  owner: string;
  preparedAt: string;
  ageMs: number;
}

export interface WaitingLock {
  pid: number;
  database: string | null;
  user: string | null;
  applicationName: string | null;
  lockType: string;
  mode: string;
  relation: string | null;
  blockedBy: number[];
  /** Since the wait began (14+), else since the session's state changed. */
  waitingMs: number | null;
}

export interface ActivityData {
  maxConnections: number;
  /** Client sessions by state (`active`, `idle`, `idle in transaction`...), other than cutover's. */
  connectionsByState: Record<string, number>;
  /** Active queries running longer than `checks.longRunningSeconds` when collected. */
  longRunning: SessionInfo[];
  /** Every session idle in a transaction, however briefly (the threshold applies in evaluate). */
  idleInTransaction: SessionInfo[];
  preparedTransactions: PreparedTransaction[];
  waitingLocks: WaitingLock[];
}

/** The sessions of everyone but cutover itself: its own check sessions must not show up. */
const NOT_CUTOVER = `a.pid <> pg_backend_pid() AND a.application_name IS DISTINCT FROM 'cutover'`;

/** Reads pg_stat_activity, pg_prepared_xacts and pg_locks (pg_monitor sees every session). */
export async function collectActivity(db: Session, longRunningSeconds: number): Promise<ActivityData> {
  const [settings] = await db.query<{ max: string }>(`SELECT current_setting('max_connections') AS max`);
  const sessions = await db.query<{
    pid: number;
    datname: string | null;
    usename: string | null;
    application_name: string;
    state: string | null;
    query_ms: number | null;
    xact_ms: number | null;
    state_ms: number | null;
    wait_event: string | null;
    query: string | null;
  }>(
    `SELECT a.pid, a.datname, a.usename, a.application_name, a.state,
            extract(epoch FROM now() - a.query_start)::float8 * 1000 AS query_ms,
            extract(epoch FROM now() - a.xact_start)::float8 * 1000 AS xact_ms,
            extract(epoch FROM now() - a.state_change)::float8 * 1000 AS state_ms,
            CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ':' || a.wait_event END AS wait_event,
            left(a.query, 200) AS query
       FROM pg_stat_activity a
      WHERE a.backend_type = 'client backend' AND ${NOT_CUTOVER}
      ORDER BY a.pid`,
  );
  const connectionsByState: Record<string, number> = {};
  const longRunning: SessionInfo[] = [];
  const idleInTransaction: SessionInfo[] = [];
  for (const s of sessions) {
    // Without pg_read_all_stats, other roles' sessions show no state.
    const state = s.state ?? 'unknown (not visible to this role)';
    connectionsByState[state] = (connectionsByState[state] ?? 0) + 1;
    const info: SessionInfo = {
      pid: s.pid,
      database: s.datname,
      user: s.usename,
      applicationName: s.application_name,
      state: s.state,
      queryMs: roundMs(s.query_ms),
      transactionMs: roundMs(s.xact_ms),
      stateMs: roundMs(s.state_ms),
      waitEvent: s.wait_event,
      query: s.query,
    };
    if (s.state === 'active' && (s.query_ms ?? 0) > longRunningSeconds * 1000) longRunning.push(info);
    if (s.state?.startsWith('idle in transaction')) idleInTransaction.push(info);
  }
  const prepared = await db.query<{ gid: string; database: string; owner: string; prepared: Date; age_ms: number }>(
    `SELECT gid, database, owner, prepared, extract(epoch FROM now() - prepared)::float8 * 1000 AS age_ms
       FROM pg_prepared_xacts ORDER BY prepared`,
  );
  const waitStart = db.serverVersionNum >= 140000 ? 'l.waitstart' : 'a.state_change';
  const locks = await db.query<{
    pid: number;
    datname: string | null;
    usename: string | null;
    application_name: string | null;
    locktype: string;
    mode: string;
    relation: string | null;
    blocked_by: number[];
    waiting_ms: number | null;
  }>(
    `SELECT l.pid, a.datname, a.usename, a.application_name, l.locktype, l.mode,
            CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation,
            pg_blocking_pids(l.pid) AS blocked_by,
            extract(epoch FROM now() - ${waitStart})::float8 * 1000 AS waiting_ms
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND ${NOT_CUTOVER}
      ORDER BY l.pid`,
  );
  return {
    maxConnections: Number(settings?.max),
    connectionsByState,
    longRunning,
    idleInTransaction,
    preparedTransactions: prepared.map((p) => ({
      gid: p.gid,
      database: p.database,
      owner: p.owner,
      preparedAt: p.prepared.toISOString(),
      ageMs: roundMs(p.age_ms) ?? 0,
    })),
    waitingLocks: locks.map((l) => ({
      pid: l.pid,
      database: l.datname,
      user: l.usename,
      applicationName: l.application_name,
      lockType: l.locktype,
      mode: l.mode,
      relation: l.relation,
      blockedBy: l.blocked_by,
      waitingMs: roundMs(l.waiting_ms),
    })),
  };
}
