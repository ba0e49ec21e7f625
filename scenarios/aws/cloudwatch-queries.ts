import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { AwsConfig } from './aws-config.js';
import { rdsMetrics, targetDimension } from './cloudwatch-metrics.js';
import type { MetricSeries } from '../../run/cloudwatch-record.js';

/** GetMetricData takes at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

/** One query and the (still empty) series it fills. */
export interface PlannedQuery {
  query: MetricDataQuery;
  series: MetricSeries;
}

/** One query per metric of each watched resource (the engine decides the metrics), at `period` seconds. */
export function planQueries(aws: Pick<AwsConfig, 'engine' | 'watch'>, period: number): PlannedQuery[] {
  if (!aws.engine) return [];
  const planned: PlannedQuery[] = [];
  for (const [role, target] of Object.entries(aws.watch)) {
    const dimension = targetDimension(target);
    for (const metric of rdsMetrics(aws.engine, 'instance' in target ? 'instance' : 'cluster')) {
      // Ids must start with a lower-case letter; the role and identifier live in the series.
      const id = `m${planned.length}`;
      planned.push({
        query: {
          Id: id,
          Label: `${role} ${dimension.Value} ${metric.name}`,
          MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metric.name, Dimensions: [dimension] }, Period: period, Stat: metric.stat },
          ReturnData: true,
        },
        series: {
          id,
          namespace: 'AWS/RDS',
          metric: metric.name,
          role,
          dimension: dimension.Name,
          identifier: dimension.Value,
          stat: metric.stat,
          unit: metric.unit,
          summary: metric.summary,
          period,
          timestamps: [],
          values: [],
          status: 'empty',
          messages: [],
        },
      });
    }
  }
  return planned;
}

/** Splits a list into batches of at most `size`. */
export function batches<T>(items: readonly T[], size = MAX_QUERIES_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
