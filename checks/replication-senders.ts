import type { Session } from '../core/session.js';
import { roundMs } from './round-ms.js';

/** One WAL sender (a standby or a logical subscriber connected to this server). */
export interface WalSender {
  applicationName: string;
  clientAddr: string | null;
  state: string | null;
  syncState: string | null;
  writeLagMs: number | null;
  flushLagMs: number | null;
  replayLagMs: number | null;
  /** WAL written here and not yet replayed there; only on a primary (null on a standby). */
  lagBytes: number | null;
}

/** `pg_stat_replication`, lags as milliseconds and bytes. */
export async function collectSenders(db: Session): Promise<WalSender[]> {
  const rows = await db.query<{
    application_name: string;
    client_addr: string | null;
    state: string | null;
    sync_state: string | null;
    write_lag_ms: number | null;
    flush_lag_ms: number | null;
    replay_lag_ms: number | null;
    lag_bytes: string | null;
  }>(
    `SELECT application_name, client_addr::text AS client_addr, state, sync_state,
            extract(epoch FROM write_lag)::float8 * 1000 AS write_lag_ms,
            extract(epoch FROM flush_lag)::float8 * 1000 AS flush_lag_ms,
            extract(epoch FROM replay_lag)::float8 * 1000 AS replay_lag_ms,
            CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END AS lag_bytes
       FROM pg_stat_replication
      ORDER BY application_name, pid`,
  );
  return rows.map((r) => ({
    applicationName: r.application_name,
    clientAddr: r.client_addr,
    state: r.state,
    syncState: r.sync_state,
    writeLagMs: roundMs(r.write_lag_ms),
    flushLagMs: roundMs(r.flush_lag_ms),
    replayLagMs: roundMs(r.replay_lag_ms),
    lagBytes: r.lag_bytes === null ? null : Number(r.lag_bytes),
  }));
}
