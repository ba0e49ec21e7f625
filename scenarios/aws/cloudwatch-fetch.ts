import { GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { AwsConfig } from './aws-config.js';
import { alignWindow, finestPeriod } from '../../run/cloudwatch-period.js';
import { batches, MAX_QUERIES_PER_REQUEST, planQueries, type PlannedQuery } from './cloudwatch-queries.js';
import type { CloudWatchRecord, MetricSeries } from '../../run/cloudwatch-record.js';
import { awsErrorText, DEFAULT_RETRY, withThrottleRetry, type RetryPolicy } from './cloudwatch-retry.js';

/** The one call the fetch makes (a CloudWatchClient, or a stand-in in tests). */
export interface MetricDataSender {
  send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput>;
  config?: { region?: () => Promise<string> };
}

export interface FetchRunMetricsOptions {
  aws: AwsConfig;
  client: MetricDataSender;
  /** The run window, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** When the fetch happens (decides the period); default now. */
  nowMs?: number;
  retry?: RetryPolicy;
  /** Queries per request, at most 500 (the API's limit). */
  batchSize?: number;
  /** Datapoints per page (GetMetricData's MaxDatapoints); default the API's (100,800). */
  maxDatapoints?: number;
  signal?: AbortSignal;
}

/** A runaway NextToken chain stops here (100,800 datapoints a page makes this some 100 million). */
const MAX_PAGES = 1_000;

/**
 * Fetches the watched resources' AWS/RDS metrics over the run window with GetMetricData: at the
 * finest period CloudWatch keeps for the data's age, at most 500 queries per request, every page
 * of a NextToken chain merged. Throttling is retried with backoff; what still fails is recorded
 * (per series and in `messages`), never thrown.
 */
export async function fetchRunMetrics(o: FetchRunMetricsOptions): Promise<CloudWatchRecord> {
  const now = o.nowMs ?? Date.now();
  const period = finestPeriod(now - o.startMs);
  const window = alignWindow(o.startMs, o.endMs, period);
  const planned = planQueries(o.aws, period);
  const record: CloudWatchRecord = {
    kind: 'cutover.cloudwatch',
    schemaVersion: 1,
    fetchedAt: new Date(now).toISOString(),
    status: planned.length ? 'ok' : 'skipped',
    ...(o.aws.endpoint ? { endpoint: o.aws.endpoint } : {}),
    ...(o.aws.engine ? { engine: o.aws.engine } : {}),
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    period,
    requests: 0,
    throttled: 0,
    series: planned.map((p) => p.series),
    messages: [],
  };
  if (!planned.length) return record;
  try {
    const region = await o.client.config?.region?.();
    if (region) record.region = region;
  } catch (error) {
    record.messages.push(`region: ${awsErrorText(error)} (set aws.region, or AWS_REGION)`);
  }
  const size = Math.min(Math.max(1, o.batchSize ?? MAX_QUERIES_PER_REQUEST), MAX_QUERIES_PER_REQUEST);
  let failedBatches = 0;
  const all = batches(planned, size);
  for (const batch of all) {
    if (!(await fetchBatch(batch, window, o, record))) failedBatches++;
  }
  for (const s of record.series) {
    s.status = seriesStatus(s);
    if (s.status === 'empty') s.messages.push('no datapoints in the window');
  }
  record.status = failedBatches === 0 ? 'ok' : failedBatches === all.length ? 'error' : 'partial';
  return record;
}

/** One batch, page after page; false when a request failed. */
async function fetchBatch(batch: PlannedQuery[], window: { start: Date; end: Date }, o: FetchRunMetricsOptions, record: CloudWatchRecord): Promise<boolean> {
  const byId = new Map(batch.map((p) => [p.series.id, p.series]));
  const partial = new Set<string>();
  let token: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const command = new GetMetricDataCommand({
      MetricDataQueries: batch.map((p) => p.query),
      StartTime: window.start,
      EndTime: window.end,
      ScanBy: 'TimestampAscending',
      ...(o.maxDatapoints ? { MaxDatapoints: o.maxDatapoints } : {}),
      ...(token ? { NextToken: token } : {}),
    });
    record.requests++;
    const r = await withThrottleRetry(() => o.client.send(command), o.retry ?? DEFAULT_RETRY, o.signal);
    record.throttled += r.throttled;
    if (!r.ok) {
      const what = r.gaveUp ? `still throttled after ${r.throttled} attempts` : 'failed';
      const line = `GetMetricData (${batch.length} queries, page ${page}) ${what}: ${awsErrorText(r.error)}`;
      record.messages.push(line);
      for (const s of byId.values()) {
        s.messages.push(line);
        // Keep what earlier pages brought; the series is then incomplete.
        if (s.timestamps.length) partial.add(s.id);
        else s.status = 'error';
      }
      markPartial(byId, partial);
      return false;
    }
    if (r.throttled) record.messages.push(`GetMetricData (${batch.length} queries, page ${page}): throttled ${r.throttled} time(s), then answered`);
    for (const m of r.value.Messages ?? []) record.messages.push(`CloudWatch: ${m.Code ?? ''} ${m.Value ?? ''}`.trim());
    for (const result of r.value.MetricDataResults ?? []) {
      const s = result.Id ? byId.get(result.Id) : undefined;
      if (s) mergeResult(s, result, partial);
    }
    token = r.value.NextToken;
    if (!token) {
      markPartial(byId, partial);
      return true;
    }
  }
  record.messages.push(`GetMetricData: stopped after ${MAX_PAGES} pages (NextToken never ended)`);
  for (const s of byId.values()) partial.add(s.id);
  markPartial(byId, partial);
  return false;
}

function mergeResult(s: MetricSeries, result: MetricDataResult, partial: Set<string>): void {
  const ts = result.Timestamps ?? [];
  const vs = result.Values ?? [];
  ts.forEach((t, i) => {
    const v = vs[i];
    if (v === undefined || !Number.isFinite(v)) return;
    s.timestamps.push(new Date(t).toISOString());
    s.values.push(v);
  });
  // PartialData with a NextToken means "more on the next page"; the last page says Complete.
  if (result.StatusCode === 'Complete') partial.delete(s.id);
  else if (result.StatusCode === 'PartialData') partial.add(s.id);
  else if (result.StatusCode) {
    partial.add(s.id);
    s.messages.push(`CloudWatch status ${result.StatusCode}`);
  }
  for (const m of result.Messages ?? []) s.messages.push(`CloudWatch: ${m.Code ?? ''} ${m.Value ?? ''}`.trim());
}

/** Puts datapoints in time order, one per timestamp (pages may overlap), and marks incomplete series. */
function markPartial(byId: Map<string, MetricSeries>, partial: Set<string>): void {
  for (const s of byId.values()) {
    const points = new Map<string, number>();
    s.timestamps.forEach((t, i) => points.set(t, s.values[i]!));
    const sorted = [...points.entries()].sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
    s.timestamps = sorted.map((p) => p[0]);
    s.values = sorted.map((p) => p[1]);
    if (partial.has(s.id) && s.status !== 'error') s.status = 'partial';
  }
}

/** Error and partial stand as marked; otherwise a series has datapoints or is empty. */
function seriesStatus(s: MetricSeries): MetricSeries['status'] {
  if (s.status === 'error' || s.status === 'partial') return s.status;
  return s.timestamps.length ? 'ok' : 'empty';
}
