import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SlotRow extends Row {
  slot_name: string;
  database: string | null;
  plugin: string | null;
}

/**
 * From 17, logical slots are carried to the new cluster, which must then be ready for them
 * (check_new_cluster_logical_replication_slots): wal_level = logical, enough
 * max_replication_slots, and no logical slots of its own. Listed so the target can be prepared.
 */
export const logicalSlotsMigrated = defineUpgradeCheck<SlotRow>({
  id: 'logical-slots-migrated',
  title: 'Logical replication slots pg_upgrade will migrate',
  pgUpgrade: 'check_new_cluster_logical_replication_slots',
  severity: 'info',
  scope: 'cluster',
  when: 'source 17 or newer',
  appliesTo: ({ source, target }) => source >= 17 && target >= 17,
  query: () => `SELECT slot_name, database, plugin FROM pg_catalog.pg_replication_slots
WHERE slot_type = 'logical' AND NOT temporary ORDER BY slot_name`,
  interpret: (rows) =>
    rows.map((r) => ({ database: r.database ?? undefined, object: r.slot_name, detail: `plugin ${r.plugin ?? 'unknown'}` })),
  facts: (rows) => ({ logicalSlots: rows.length }),
  advice: 'Initialise the target with wal_level = logical and max_replication_slots at least the number of these slots, and create no logical slots on it.',
});
