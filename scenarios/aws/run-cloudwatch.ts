import { join } from 'node:path';
import { errorInfo, errorLine } from '../../core/errors.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { writeJsonAtomic } from '../../run/run-directory.js';
import type { RunManifest } from '../../run/manifest.js';
import type { AwsConfig } from './aws-config.js';
import { cloudWatchClient } from './cloudwatch-client.js';
import { fetchRunMetrics, type MetricDataSender } from './cloudwatch-fetch.js';
import { CLOUDWATCH_FILE, type CloudWatchRecord } from '../../run/cloudwatch-record.js';
import type { RetryPolicy } from './cloudwatch-retry.js';
import { SoakPublisher, type MetricPutter } from './soak-publisher.js';

/** What the runner holds for a scenario with an `aws` block. */
export interface RunCloudWatch {
  /** Give to the soak: each second of the load, put to CloudWatch live when `aws.publish` is set. */
  onSecond?: (bucket: TimelineBucket) => void;
  /**
   * Once the soak has drained: stops publishing, fetches the watched metrics over the run window
   * and writes `cloudwatch.json`. A failure is a warning in the log and in the file; never thrown.
   */
  finish(o: { manifest: RunManifest; signal?: AbortSignal }): Promise<void>;
}

export interface RunCloudWatchOptions {
  runDir: string;
  /** The scenario's name: the default dimension of published metrics. */
  name: string;
  log: (line: string) => void;
  /** Tests: a client other than the SDK's (same calls). */
  client?: MetricDataSender & MetricPutter;
  retry?: RetryPolicy;
}

/** Sets up a run's CloudWatch side from the scenario's `aws` block: publishing now, fetching at `finish`. */
export function openRunCloudWatch(aws: AwsConfig, o: RunCloudWatchOptions): RunCloudWatch {
  const client = o.client ?? cloudWatchClient(aws);
  const publisher = aws.publish
    ? new SoakPublisher({ client, namespace: aws.publish.namespace, dimensions: aws.publish.dimensions ?? { Scenario: o.name }, intervalMs: aws.publish.intervalMs, log: o.log })
    : undefined;
  if (publisher) o.log(`cloudwatch: publishing the soak's per-second figures to ${aws.publish?.namespace} every ${(aws.publish?.intervalMs ?? 0) / 1000} s`);
  let finished = false;
  return {
    ...(publisher ? { onSecond: (bucket: TimelineBucket) => publisher.add(bucket) } : {}),
    async finish({ manifest, signal }) {
      if (finished) return;
      finished = true;
      const publish = await publisher?.close().catch(() => undefined);
      let record: CloudWatchRecord;
      const startMs = Date.parse(manifest.startedAt);
      try {
        if (signal?.aborted) throw new Error('interrupted before the metrics were fetched');
        record = await fetchRunMetrics({ aws, client, startMs, endMs: Date.now(), ...(o.retry ? { retry: o.retry } : {}), ...(signal ? { signal } : {}) });
      } catch (error) {
        record = { kind: 'cutover.cloudwatch', schemaVersion: 1, fetchedAt: new Date().toISOString(), status: 'error', requests: 0, throttled: 0, series: [], messages: [errorLine(error) || 'unknown error'] };
      }
      if (publish) record.publish = publish;
      try {
        await writeJsonAtomic(join(o.runDir, CLOUDWATCH_FILE), record);
        manifest.files.cloudwatch = CLOUDWATCH_FILE;
      } catch (error) {
        o.log(`cloudwatch: warning: cannot write ${CLOUDWATCH_FILE}: ${errorInfo(error).message}`);
      }
      for (const line of describe(record)) o.log(line);
    },
  };
}

/** The log lines of a fetch: a summary, then a warning per problem. */
function describe(r: CloudWatchRecord): string[] {
  const lines: string[] = [];
  if (r.status !== 'skipped') {
    const count = (s: string) => r.series.filter((x) => x.status === s).length;
    lines.push(`cloudwatch: ${r.series.length} series at ${r.period ?? '?'} s (${count('ok')} with datapoints, ${count('empty')} no datapoints, ${count('partial')} partial, ${count('error')} not fetched) in ${r.requests} request(s)`);
  }
  if (r.status === 'error' || r.status === 'partial') lines.push(`cloudwatch: warning: ${r.status === 'error' ? 'could not fetch the metrics' : 'some metrics were not fetched'}: ${r.messages[r.messages.length - 1] ?? ''}`);
  if (r.publish) {
    const p = r.publish;
    lines.push(`cloudwatch: published ${p.published} datapoints to ${p.namespace} in ${p.requests} request(s)${p.failedRequests ? `; warning: ${p.failedRequests} request(s) failed, ${p.dropped} datapoints not published` : ''}`);
  }
  return lines;
}
