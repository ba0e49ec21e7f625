import type { Session } from '../core/session.js';
import { roundMs } from './round-ms.js';

/** Where a standby stands. */
export interface StandbyState {
  receiveLsn: string | null;
  replayLsn: string | null;
  /** WAL received and not yet replayed. */
  replayBehindBytes: number | null;
  /**
   * `now() - pg_last_xact_replay_timestamp()`: the age of the last replayed commit. On an idle
   * primary it grows with no real lag, so read it with `replayBehindBytes`.
   */
  replayLagMs: number | null;
  lastReplayAt: string | null;
  /** `not paused`, `pause requested` or `paused` (14+; before, `paused` or `not paused`). */
  replayPause: string;
  /** `pg_stat_wal_receiver.status` (`streaming`...), null when no receiver runs. */
  receiverStatus: string | null;
  receiverSlot: string | null;
}

/** Replay position, lag and pause state of a server in recovery. */
export async function collectStandby(db: Session): Promise<StandbyState> {
  const pause =
    db.serverVersionNum >= 140000
      ? `pg_get_wal_replay_pause_state()`
      : `CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END`;
  const [row] = await db.query<{
    receive_lsn: string | null;
    replay_lsn: string | null;
    behind: string | null;
    lag_ms: number | null;
    last_replay_at: Date | null;
    pause: string;
  }>(
    `SELECT pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn,
            pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS behind,
            extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 * 1000 AS lag_ms,
            pg_last_xact_replay_timestamp() AS last_replay_at, ${pause} AS pause`,
  );
  const [receiver] = await db.query<{ status: string | null; slot_name: string | null }>(
    `SELECT status, slot_name FROM pg_stat_wal_receiver`,
  );
  return {
    receiveLsn: row?.receive_lsn ?? null,
    replayLsn: row?.replay_lsn ?? null,
    replayBehindBytes: row?.behind == null ? null : Math.max(0, Number(row.behind)),
    replayLagMs: roundMs(row?.lag_ms ?? null),
    lastReplayAt: row?.last_replay_at ? row.last_replay_at.toISOString() : null,
    replayPause: row?.pause ?? 'not paused',
    receiverStatus: receiver?.status ?? null,
    receiverSlot: receiver?.slot_name ?? null,
  };
}
