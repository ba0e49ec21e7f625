import type { Scenario } from '../scenario-types.js';

/** The roles of a scenario's standbys, in order: `replica-1`, `replica-2`... */
export function replicaRoles(scenario: Pick<Scenario, 'replicas'>): string[] {
  return (scenario.replicas ?? []).map((_, i) => `replica-${i + 1}`);
}

/**
 * Settings of a primary that will have standbys (the standbys, copies of it, inherit them):
 * `wal_log_hints` so that pg_rewind can bring a failed primary back as a standby (it needs hint
 * bits in the WAL or data checksums), hot standby for reads on the standbys, and `wal_keep_size`
 * so that a promoted standby still has the WAL a rewound former primary replays from (its last
 * checkpoint before the divergence): without it the promotion's checkpoint may remove that
 * segment, and the rejoined server waits forever for WAL "already removed".
 */
export const HA_PRIMARY_SETTINGS = { wal_log_hints: 'on', hot_standby: 'on', wal_keep_size: '256MB' } as const;
