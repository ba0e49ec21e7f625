import type { FindingInput } from './finding.js';
import { bluegreenSkipReason, usesLogicalReplication } from './bluegreen-applies.js';
import { defineCheck } from './define-check.js';

/** The settings logical replication draws on, and how much of each is already in use. */
export interface BluegreenSettingsData {
  walLevel: string;
  /** RDS's switch for logical replication (`1` turns wal_level to logical); null off RDS. */
  rdsLogicalReplication: string | null;
  maxReplicationSlots: number;
  slotsInUse: number;
  maxWalSenders: number;
  walSendersInUse: number;
  maxLogicalReplicationWorkers: number;
  maxWorkerProcesses: number;
  /** Background workers running now (logical replication, parallel query, extensions' workers). */
  backgroundWorkersInUse: number;
  /** Databases that accept connections: AWS replicates each one, with a slot, a sender and an apply worker. */
  databases: number;
}

/** Processes that are not background workers: everything else in pg_stat_activity draws on max_worker_processes. */
const NOT_BGWORKERS = `'client backend','autovacuum launcher','autovacuum worker','background writer','checkpointer','walwriter','walsender','walreceiver','walsummarizer','archiver','startup','standalone backend','io worker','slotsync worker'`;

/**
 * Logical replication prerequisites of a managed Blue/Green on PostgreSQL (a major version
 * upgrade replicates logically): wal_level logical (rds.logical_replication = 1), and free
 * replication slots, WAL senders, apply workers and worker processes for every database.
 */
export const bluegreenSettingsCheck = defineCheck<BluegreenSettingsData>({
  id: 'bluegreen.settings',
  title: 'Blue/Green guardrails: logical replication settings and their headroom',
  doc: {
    collects: 'wal_level (and rds.logical_replication), and the limits and use of replication slots, WAL senders, logical replication workers and worker processes',
    evaluates: 'whether logical replication can run (a Blue/Green major upgrade needs it) and the headroom left for it',
    findings: {
      'wal-level': { severity: 'fail', meaning: 'wal_level is not logical' },
      'replication-slots': { severity: 'warn', meaning: 'fewer free replication slots than databases to replicate (one each)' },
      'wal-senders': { severity: 'warn', meaning: 'fewer free WAL senders than databases to replicate' },
      'logical-replication-workers': { severity: 'warn', meaning: 'fewer logical replication workers than databases to replicate' },
      'worker-processes': { severity: 'warn', meaning: 'fewer free worker processes than databases to replicate' },
    },
  },
  suites: ['pre'],
  async collect(ctx) {
    const skip = await bluegreenSkipReason(ctx);
    if (skip) return ctx.skip(skip);
    const [row] = await ctx.db.query<Record<string, string | number | null>>(
      `SELECT current_setting('wal_level') AS wal_level,
              current_setting('rds.logical_replication', true) AS rds_logical,
              current_setting('max_replication_slots')::int AS slots,
              (SELECT count(*) FROM pg_replication_slots)::int AS slots_used,
              current_setting('max_wal_senders')::int AS senders,
              (SELECT count(*) FROM pg_stat_replication)::int AS senders_used,
              current_setting('max_logical_replication_workers')::int AS lr_workers,
              current_setting('max_worker_processes')::int AS workers,
              (SELECT count(*) FROM pg_stat_activity WHERE backend_type NOT IN (${NOT_BGWORKERS}))::int AS workers_used`,
    );
    const num = (key: string) => Number(row?.[key] ?? 0);
    return {
      walLevel: String(row?.wal_level ?? ''),
      rdsLogicalReplication: row?.rds_logical === null || row?.rds_logical === undefined || row.rds_logical === '' ? null : String(row.rds_logical),
      maxReplicationSlots: num('slots'),
      slotsInUse: num('slots_used'),
      maxWalSenders: num('senders'),
      walSendersInUse: num('senders_used'),
      maxLogicalReplicationWorkers: num('lr_workers'),
      maxWorkerProcesses: num('workers'),
      backgroundWorkersInUse: num('workers_used'),
      databases: (await ctx.databases()).length,
    };
  },
  evaluate: (data, ctx) => (usesLogicalReplication(ctx.config, ctx.serverVersionNum) ? evaluateSettings(data) : []),
});

/** Findings on the settings: wal_level fails (the deployment cannot be created), a lack of headroom warns. */
export function evaluateSettings(d: BluegreenSettingsData): FindingInput[] {
  const findings: FindingInput[] = [];
  const onRds = d.rdsLogicalReplication !== null;
  if (d.walLevel !== 'logical') {
    findings.push({
      key: 'wal-level',
      severity: 'fail',
      message: `wal_level is ${d.walLevel}: a Blue/Green that upgrades the major version replicates logically; ${onRds ? 'set rds.logical_replication = 1 in the DB parameter group and reboot' : 'set wal_level = logical and restart'}`,
      object: 'wal_level',
      details: { walLevel: d.walLevel, rdsLogicalReplication: d.rdsLogicalReplication },
    });
  }
  const headroom: [string, string, number, number][] = [
    ['replication-slots', 'max_replication_slots', d.maxReplicationSlots - d.slotsInUse, d.maxReplicationSlots],
    ['wal-senders', 'max_wal_senders', d.maxWalSenders - d.walSendersInUse, d.maxWalSenders],
    ['logical-replication-workers', 'max_logical_replication_workers', d.maxLogicalReplicationWorkers, d.maxLogicalReplicationWorkers],
    ['worker-processes', 'max_worker_processes', d.maxWorkerProcesses - d.backgroundWorkersInUse, d.maxWorkerProcesses],
  ];
  for (const [key, setting, free, max] of headroom) {
    if (free >= d.databases) continue;
    findings.push({
      key,
      severity: 'warn',
      message: `${setting} = ${max} leaves ${free} free, fewer than the ${d.databases} database(s) a Blue/Green replicates (one each): raise it in the parameter group`,
      object: setting,
      details: { setting, max, free, databases: d.databases },
    });
  }
  return findings;
}
