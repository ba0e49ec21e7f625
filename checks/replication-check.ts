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
  doc: {
    collects: 'WAL senders and their lag, replication slots, publications, subscriptions and their tables, and a standby replay state',
    evaluates: 'lag above `checks.replicationLagWarnBytes`, inactive slots retaining WAL, invalidated slots, subscriptions not ready, a paused or lagging replay',
    compares: 'slots of pre missing after (pg_upgrade before 17 does not carry logical slots)',
    findings: {
      'sender-lag': { severity: 'warn', meaning: 'a WAL sender lags by more than the threshold' },
      'slot-inactive-retaining': { severity: 'warn', meaning: 'an inactive slot retains WAL' },
      'slot-invalidated': { severity: 'fail', meaning: 'a slot was invalidated' },
      'slot-missing': { severity: 'fail', meaning: 'a slot of pre is not there after' },
      'slot-lost': { severity: 'fail', meaning: 'a slot lost the WAL it needed: its consumer must be rebuilt' },
      'subscription-not-ready': { severity: 'warn', meaning: 'a subscription has tables not yet synchronised' },
      'standby-replay-lag': { severity: 'warn', meaning: 'a standby replays behind what it received' },
      'standby-replay-paused': { severity: 'warn', meaning: "a standby's replay is paused" },
      uninspected: { severity: 'warn', meaning: 'a database could not be inspected' },
    },
  },
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
