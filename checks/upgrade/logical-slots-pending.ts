import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SlotRow extends Row {
  slot_name: string;
  database: string | null;
  active: boolean;
  pending_bytes: string | number | null;
}

/**
 * pg_upgrade refuses a logical slot that has not consumed all decodable WAL when the old server
 * shuts down. A live server always has some WAL ahead of a slot, and whether it is decodable
 * cannot be told over SQL, so this warns about slots that have WAL ahead and no consumer to read
 * it: they will not catch up by themselves.
 */
export const logicalSlotsPending = defineUpgradeCheck<SlotRow>({
  id: 'logical-slots-pending',
  title: 'Logical replication slots with unconsumed WAL and no consumer',
  pgUpgrade: 'check_old_cluster_for_valid_slots (caught up)',
  severity: 'warn',
  scope: 'cluster',
  when: 'source 17 or newer',
  appliesTo: ({ source, target }) => source >= 17 && target >= 17,
  query: () => `SELECT slot_name, database, active,
  pg_catalog.pg_wal_lsn_diff(
    CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END,
    confirmed_flush_lsn)::int8 AS pending_bytes
FROM pg_catalog.pg_replication_slots
WHERE slot_type = 'logical' AND NOT temporary AND invalidation_reason IS NULL
ORDER BY slot_name`,
  interpret: (rows) =>
    rows
      .filter((r) => !r.active && Number(r.pending_bytes ?? 0) > 0)
      .map((r) => ({
        database: r.database ?? undefined,
        object: r.slot_name,
        detail: `${String(r.pending_bytes)} bytes of WAL after confirmed_flush_lsn, no active consumer`,
      })),
  advice: 'Let the subscriber consume the slot (or drop the slot) before stopping the old server for pg_upgrade.',
});
