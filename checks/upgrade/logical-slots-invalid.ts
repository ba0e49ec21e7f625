import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SlotRow extends Row {
  slot_name: string;
  database: string | null;
  wal_status: string | null;
  invalidation_reason: string | null;
}

/** From 17, pg_upgrade migrates logical slots, and refuses any that is invalidated. */
export const logicalSlotsInvalid = defineUpgradeCheck<SlotRow>({
  id: 'logical-slots-invalid',
  title: 'Invalid logical replication slots',
  pgUpgrade: 'check_old_cluster_for_valid_slots',
  severity: 'fail',
  scope: 'cluster',
  when: 'source 17 or newer',
  appliesTo: ({ source, target }) => source >= 17 && target >= 17,
  query: () => `SELECT slot_name, database, wal_status, invalidation_reason
FROM pg_catalog.pg_replication_slots
WHERE slot_type = 'logical' AND NOT temporary AND (invalidation_reason IS NOT NULL OR wal_status = 'lost')
ORDER BY slot_name`,
  interpret: (rows) =>
    rows.map((r) => ({
      database: r.database ?? undefined,
      object: r.slot_name,
      detail: `invalidated (${r.invalidation_reason ?? `wal_status ${r.wal_status ?? 'unknown'}`})`,
    })),
  advice: 'Drop the invalid slots (pg_drop_replication_slot) and recreate them after the upgrade.',
});
