import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How a metric's per-step figure is summarised: its highest or its lowest point in the step. */
export type Summary = 'max' | 'min';

/** The unit a metric's values are in, as shown in the report. */
export type MetricUnit = 'seconds' | 'milliseconds' | 'bytes' | 'percent' | 'count' | 'per second';

export const CLOUDWATCH_FILE = 'cloudwatch.json';

/**
 * How one series came back: `ok` with datapoints, `empty` (CloudWatch has no datapoints for it in
 * the window), `partial` (CloudWatch said so, or a later page failed), `error` (not fetched).
 */
export type SeriesStatus = 'ok' | 'empty' | 'partial' | 'error';

/** One metric of one watched resource over the run window. */
export interface MetricSeries {
  /** The query id used in GetMetricData (`m0`, `m1`...). */
  id: string;
  namespace: string;
  metric: string;
  /** The scenario's role for the resource: `blue`, `green`, `writer`... */
  role: string;
  dimension: 'DBInstanceIdentifier' | 'DBClusterIdentifier';
  identifier: string;
  stat: string;
  unit: MetricUnit;
  summary: Summary;
  /** Seconds each datapoint summarises. */
  period: number;
  /** Start of each datapoint's period, ISO 8601, ascending. */
  timestamps: string[];
  values: number[];
  status: SeriesStatus;
  messages: string[];
}

/** What the soak published to CloudWatch while it ran (`aws.publish`). */
export interface PublishSummary {
  namespace: string;
  dimensions: Record<string, string>;
  metrics: string[];
  intervalMs: number;
  /** Datapoints CloudWatch accepted. */
  published: number;
  /** PutMetricData requests sent, and those that failed. */
  requests: number;
  failedRequests: number;
  /** Datapoints never sent (failed requests, or a backlog dropped to bound memory). */
  dropped: number;
  throttled: number;
  /** The first errors, one line each. */
  errors: string[];
}

/** `cloudwatch.json`: what was fetched from CloudWatch for a run, and what was published. */
export interface CloudWatchRecord {
  kind: 'cutover.cloudwatch';
  schemaVersion: 1;
  fetchedAt: string;
  /** `ok`: every request answered; `partial`: some did not; `error`: nothing was fetched; `skipped`: nothing to fetch. */
  status: 'ok' | 'partial' | 'error' | 'skipped';
  region?: string;
  endpoint?: string;
  engine?: string;
  /** The window asked for (aligned to whole periods). */
  window?: { start: string; end: string };
  /** Seconds each datapoint summarises (the finest CloudWatch keeps for the data's age). */
  period?: number;
  /** GetMetricData requests sent (batches times pages, retries not counted) and throttling met. */
  requests: number;
  throttled: number;
  series: MetricSeries[];
  /** Warnings and errors of the fetch as a whole. */
  messages: string[];
  publish?: PublishSummary;
}

/** Reads `cloudwatch.json` of a run directory; undefined when the run has none or it does not read. */
export async function readCloudWatchRecord(runDir: string): Promise<CloudWatchRecord | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(runDir, CLOUDWATCH_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const r = parsed as Partial<CloudWatchRecord>;
  if (r?.kind !== 'cutover.cloudwatch' || !Array.isArray(r.series) || !Array.isArray(r.messages)) return undefined;
  return { ...(r as CloudWatchRecord), series: r.series.filter(isSeries) };
}

function isSeries(s: unknown): s is MetricSeries {
  const x = s as Partial<MetricSeries>;
  return typeof x?.metric === 'string' && typeof x.role === 'string' && Array.isArray(x.timestamps) && Array.isArray(x.values) && x.timestamps.length === x.values.length;
}
