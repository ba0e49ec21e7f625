import type { RdsEngine, WatchTarget } from './aws-config.js';

export type { MetricUnit, Summary } from '../../run/cloudwatch-record.js';
import type { MetricUnit, Summary } from '../../run/cloudwatch-record.js';

/** One metric of namespace AWS/RDS that matters during an upgrade. */
export interface RdsMetric {
  name: string;
  /** The CloudWatch statistic fetched: the worst of the minute for lags, the mean for loads. */
  stat: 'Average' | 'Maximum' | 'Minimum';
  unit: MetricUnit;
  /** What the per-step table shows: the highest lag, the lowest connection count... */
  summary: Summary;
  /** One line for the report and the docs. */
  description: string;
}

const m = (name: string, stat: RdsMetric['stat'], unit: MetricUnit, summary: Summary, description: string): RdsMetric => ({ name, stat, unit, summary, description });

const CONNECTIONS = m('DatabaseConnections', 'Average', 'count', 'min', 'client sessions connected (drops to zero at a switchover)');
const CPU = m('CPUUtilization', 'Average', 'percent', 'max', 'CPU in use');
const MEMORY = m('FreeableMemory', 'Average', 'bytes', 'min', 'RAM available');
const READ_LATENCY = m('ReadLatency', 'Average', 'seconds', 'max', 'average time of a disk read');
const WRITE_LATENCY = m('WriteLatency', 'Average', 'seconds', 'max', 'average time of a disk write');
const SLOT_LAG = m('OldestReplicationSlotLag', 'Maximum', 'bytes', 'max', 'WAL the most lagging replication slot has not consumed (Blue/Green replicates through one)');
const LOG_DISK = m('TransactionLogsDiskUsage', 'Maximum', 'bytes', 'max', 'disk used by WAL (grows while a slot lags)');
const XIDS = m('MaximumUsedTransactionIDs', 'Maximum', 'count', 'max', 'age of the oldest unfrozen transaction id (wraparound risk)');
const COMMIT_LATENCY = m('CommitLatency', 'Average', 'milliseconds', 'max', 'average time of a commit');
const DEADLOCKS = m('Deadlocks', 'Average', 'per second', 'max', 'deadlocks per second');

/**
 * The AWS/RDS metrics fetched for each engine and kind of resource. RDS for PostgreSQL instances
 * report ReplicaLag (seconds, on read replicas) and have no CommitLatency or Deadlocks; Aurora
 * PostgreSQL instances report AuroraReplicaLag (milliseconds, on readers), CommitLatency and
 * Deadlocks, and their clusters aggregate them (with AuroraReplicaLagMaximum across readers).
 * An RDS Multi-AZ DB cluster reports its standbys' ReplicaLag by cluster.
 */
export function rdsMetrics(engine: RdsEngine, kind: 'instance' | 'cluster'): RdsMetric[] {
  if (engine === 'rds-postgres') {
    const lag = m('ReplicaLag', 'Maximum', 'seconds', 'max', 'how far a replica is behind its source');
    if (kind === 'cluster') return [lag, CONNECTIONS, CPU, MEMORY, READ_LATENCY, WRITE_LATENCY];
    return [lag, SLOT_LAG, LOG_DISK, XIDS, CONNECTIONS, CPU, MEMORY, READ_LATENCY, WRITE_LATENCY];
  }
  if (kind === 'cluster') {
    const lag = m('AuroraReplicaLagMaximum', 'Maximum', 'milliseconds', 'max', 'the largest lag of the cluster\u2019s readers behind the writer');
    return [lag, CONNECTIONS, CPU, MEMORY, COMMIT_LATENCY, DEADLOCKS, READ_LATENCY, WRITE_LATENCY, XIDS];
  }
  const lag = m('AuroraReplicaLag', 'Maximum', 'milliseconds', 'max', 'how far a reader is behind the writer');
  return [lag, SLOT_LAG, LOG_DISK, XIDS, CONNECTIONS, CPU, MEMORY, COMMIT_LATENCY, DEADLOCKS, READ_LATENCY, WRITE_LATENCY];
}

/** The dimension that names a watched resource. */
export function targetDimension(target: WatchTarget): { Name: 'DBInstanceIdentifier' | 'DBClusterIdentifier'; Value: string } {
  return 'instance' in target ? { Name: 'DBInstanceIdentifier', Value: target.instance } : { Name: 'DBClusterIdentifier', Value: target.cluster };
}
