import type { Row, Session } from '../core/session.js';

/** A replication slot. Fields that only newer servers have are present only there. */
export interface ReplicationSlot {
  name: string;
  type: 'physical' | 'logical';
  plugin: string | null;
  database: string | null;
  temporary: boolean;
  active: boolean;
  /** `reserved`, `extended`, `unreserved` or `lost` (13+). */
  walStatus: string | null;
  /** WAL kept for this slot: from its restart_lsn to the current (or, on a standby, received) position. */
  retainedBytes: number | null;
  /** 16+: a logical slot on a standby invalidated by a recovery conflict. */
  conflicting?: boolean | null;
  /** 17+: why the slot was invalidated (`wal_removed`, `rows_removed`, `wal_level_insufficient`...). */
  invalidationReason?: string | null;
  /** 17+: synchronised to standbys for failover. */
  failover?: boolean;
  /** 17+: a slot on a standby synchronised from the primary. */
  synced?: boolean;
}

/**
 * `pg_replication_slots`. The view gains columns with each major, so it is read whole and the
 * known columns are picked when present.
 */
export async function collectSlots(db: Session): Promise<ReplicationSlot[]> {
  const rows = await db.query<Row>(
    `SELECT s.*, pg_wal_lsn_diff(
              CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END,
              s.restart_lsn) AS cutover_retained_bytes
       FROM pg_replication_slots s
      ORDER BY s.slot_name`,
  );
  return rows.map((r) => {
    const slot: ReplicationSlot = {
      name: String(r.slot_name),
      type: r.slot_type === 'logical' ? 'logical' : 'physical',
      plugin: (r.plugin as string | null) ?? null,
      database: (r.database as string | null) ?? null,
      temporary: Boolean(r.temporary),
      active: Boolean(r.active),
      walStatus: (r.wal_status as string | null | undefined) ?? null,
      retainedBytes: r.cutover_retained_bytes === null ? null : Number(r.cutover_retained_bytes),
    };
    if ('conflicting' in r) slot.conflicting = r.conflicting as boolean | null;
    if ('invalidation_reason' in r) slot.invalidationReason = r.invalidation_reason as string | null;
    if ('failover' in r) slot.failover = Boolean(r.failover);
    if ('synced' in r) slot.synced = Boolean(r.synced);
    return slot;
  });
}
