import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SlotRow extends Row {
  slot_name: string;
  database: string | null;
  plugin: string | null;
}

/** Before 17, pg_upgrade does not carry logical slots over: their consumers lose their place. */
export const logicalSlotsNotMigrated = defineUpgradeCheck<SlotRow>({
  id: 'logical-slots-not-migrated',
  title: 'Logical replication slots pg_upgrade will not migrate',
  pgUpgrade: 'get_old_cluster_logical_slot_infos (source < 17)',
  severity: 'warn',
  scope: 'cluster',
  when: 'source 9.4 to 16',
  // pg_replication_slots exists from 9.4; temporary slots from 10.
  appliesTo: ({ source }) => source >= 9.4 && source < 17,
  query: ({ source }) => `SELECT slot_name, database, plugin FROM pg_catalog.pg_replication_slots
WHERE slot_type = 'logical'${source >= 10 ? ' AND NOT temporary' : ''} ORDER BY slot_name`,
  interpret: (rows) =>
    rows.map((r) => ({
      database: r.database ?? undefined,
      object: r.slot_name,
      detail: `plugin ${r.plugin ?? 'unknown'}; the slot does not exist after the upgrade`,
    })),
  advice: 'Recreate these slots on the new cluster and resynchronise their consumers (logical slots are migrated only from PostgreSQL 17 on).',
});
