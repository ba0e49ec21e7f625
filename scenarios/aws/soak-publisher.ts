import { PutMetricDataCommand, type MetricDatum, type PutMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { PublishSummary } from '../../run/cloudwatch-record.js';
import { awsErrorText, isThrottling } from './cloudwatch-retry.js';

/** The one call the publisher makes (a CloudWatchClient, or a stand-in in tests). */
export interface MetricPutter {
  send(command: PutMetricDataCommand): Promise<PutMetricDataCommandOutput>;
}

/** PutMetricData takes at most 1000 metric data points per request. */
export const MAX_DATA_PER_PUT = 1000;
/** Points kept while CloudWatch does not take them (some 16 minutes of a soak); older ones are dropped and counted. */
const MAX_BACKLOG = 5 * 1_000;
const MAX_ERRORS_KEPT = 5;

/** The figures published for each second of the soak. */
export const SOAK_METRICS = ['Attempts', 'Successes', 'Errors', 'LatencyP99', 'ScheduleLagP99'] as const;

export interface SoakPublisherOptions {
  client: MetricPutter;
  namespace: string;
  dimensions: Record<string, string>;
  /** Milliseconds between two requests. */
  intervalMs: number;
  log?: (line: string) => void;
}

/**
 * Puts the soak's per-second figures (attempts, successes, errors, latency p99, schedule lag p99)
 * to CloudWatch as high-resolution custom metrics (StorageResolution 1), batched every
 * `intervalMs`, so dashboards show the client's view while the soak runs. It never blocks nor
 * fails the soak: `add` only queues, one request is in flight at a time, and every error is
 * counted and kept (the first few) for `cloudwatch.json`.
 */
export class SoakPublisher {
  private queue: MetricDatum[] = [];
  private inFlight: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed: Promise<PublishSummary> | undefined;
  private readonly summary: PublishSummary;
  private readonly dimensions: { Name: string; Value: string }[];

  constructor(private readonly o: SoakPublisherOptions) {
    this.dimensions = Object.entries(o.dimensions).map(([Name, Value]) => ({ Name, Value }));
    this.summary = { namespace: o.namespace, dimensions: { ...o.dimensions }, metrics: [...SOAK_METRICS], intervalMs: o.intervalMs, published: 0, requests: 0, failedRequests: 0, dropped: 0, throttled: 0, errors: [] };
    this.timer = setInterval(() => void this.flush(), o.intervalMs);
    // A publisher never keeps the process alive.
    this.timer.unref();
  }

  /** Queues one second of the soak (the timeline's bucket); returns at once. */
  add(bucket: TimelineBucket): void {
    if (this.closed || bucket.spanMs <= 0) return;
    const at = new Date(bucket.t);
    const errors = Object.values(bucket.errors).reduce<number>((a, n) => a + (n ?? 0), 0);
    const datum = (MetricName: string, Value: number, Unit: 'Count' | 'Milliseconds'): MetricDatum => ({ MetricName, Value, Unit, Timestamp: at, Dimensions: this.dimensions, StorageResolution: 1 });
    this.queue.push(datum('Attempts', bucket.attempts, 'Count'), datum('Successes', bucket.ok, 'Count'), datum('Errors', errors, 'Count'));
    // No success, no latency; no attempt sent, no schedule lag: nothing is published rather than a zero.
    if (bucket.ok > 0) this.queue.push(datum('LatencyP99', bucket.latencyMs.p99, 'Milliseconds'));
    if (bucket.attempts > 0) this.queue.push(datum('ScheduleLagP99', bucket.lagMs.p99, 'Milliseconds'));
    if (this.queue.length > MAX_BACKLOG) {
      const excess = this.queue.length - MAX_BACKLOG;
      this.queue.splice(0, excess);
      this.summary.dropped += excess;
    }
  }

  /** Sends what is queued, 1000 points a request; a request already in flight is waited for, not doubled. */
  flush(): Promise<void> {
    this.inFlight ??= this.sendQueued().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /**
   * Stops the timer, sends what is left (waiting at most `timeoutMs`) and returns the summary;
   * idempotent.
   */
  close(timeoutMs = 10_000): Promise<PublishSummary> {
    this.closed ??= (async () => {
      clearInterval(this.timer);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
      const drain = (async () => {
        await this.inFlight;
        await this.flush();
      })();
      await Promise.race([drain, deadline]);
      clearTimeout(timer);
      this.summary.dropped += this.queue.length;
      this.queue = [];
      return { ...this.summary, errors: [...this.summary.errors] };
    })();
    return this.closed;
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length) {
      const data = this.queue.splice(0, MAX_DATA_PER_PUT);
      this.summary.requests++;
      try {
        await this.o.client.send(new PutMetricDataCommand({ Namespace: this.o.namespace, MetricData: data }));
        this.summary.published += data.length;
      } catch (error) {
        this.summary.failedRequests++;
        if (isThrottling(error)) {
          // Throttled points go back to the front, for the next tick: the backlog bound still applies.
          this.summary.throttled++;
          this.queue.unshift(...data);
          this.note(`PutMetricData throttled (${data.length} points kept for the next attempt): ${awsErrorText(error)}`);
          return;
        }
        this.summary.dropped += data.length;
        this.note(`PutMetricData failed (${data.length} points dropped): ${awsErrorText(error)}`);
      }
    }
  }

  private note(line: string): void {
    if (this.summary.errors.length < MAX_ERRORS_KEPT) {
      this.summary.errors.push(line);
      this.o.log?.(`cloudwatch: ${line}`);
    }
  }
}
