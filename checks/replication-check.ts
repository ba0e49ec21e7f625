import { defineCheck } from './define-check.js';
import { type UninspectedDatabase, forEachDatabase } from './each-database.js';
import { type LogicalReplication, collectLogical } from './replication-logical.js';
import { compareReplication, evaluateReplication } from './replication-rules.js';
import { type WalSender, collectSenders } from './replication-senders.js';
import { type ReplicationSlot, collectSlots } from './replication-slots.js';
import { type StandbyState, collectStandby } from './replication-standby.js';

export interface ReplicationData {
  settings: { walLevel: string; maxWalSenders: number; maxReplicationSlots: number };
  inRecovery: boolean;
  senders: WalSender[];
  slots: ReplicationSlot[];
  /** Present on a server in recovery. */
  standby: StandbyState | null;
  /** Publications and subscriptions, per database. */
  databases: Record<string, LogicalReplication>;
  uninspected: UninspectedDatabase[];
}

/**
 * Replication as seen from this server: settings, WAL senders with their lag, slots, logical
 * publications and subscriptions (with per-table sync state) and, on a standby, replay lag.
 */
export const replicationCheck = defineCheck<ReplicationData>({
  id: 'replication',
  title: 'Replication: WAL senders and lag, slots, publications, subscriptions, standby replay',
  async collect(ctx) {
    const [row] = await ctx.db.query<{ wal_level: string; senders: string; slots: string; recovery: boolean }>(
      `SELECT current_setting('wal_level') AS wal_level, current_setting('max_wal_senders') AS senders,
              current_setting('max_replication_slots') AS slots, pg_is_in_recovery() AS recovery`,
    );
    const inRecovery = Boolean(row?.recovery);
    const { inspected, uninspected } = await forEachDatabase(ctx, (session) => collectLogical(session));
    return {
      settings: {
        walLevel: row?.wal_level ?? '',
        maxWalSenders: Number(row?.senders),
        maxReplicationSlots: Number(row?.slots),
      },
      inRecovery,
      senders: await collectSenders(ctx.db),
      slots: await collectSlots(ctx.db),
      standby: inRecovery ? await collectStandby(ctx.db) : null,
      databases: Object.fromEntries(inspected.map((i) => [i.database, i.value])),
      uninspected,
    };
  },
  evaluate: (data, ctx) => evaluateReplication(data, ctx.config.checks.replicationLagWarnBytes),
  compare: (pre, post, ctx) => compareReplication(pre, post, ctx.pre.serverVersionNum),
});
