import { describe, expect, it } from 'vitest';
import type { GetMetricDataCommand, GetMetricDataCommandOutput, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { alignWindow, awsSchema, fetchRunMetrics, finestPeriod, isThrottling, planQueries, rdsMetrics, type AwsConfig, type MetricDataSender } from '../../scenarios/aws/index.js';
import { validateScenario } from '../../scenarios/scenario-file.js';

const FAST = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
const T0 = Date.parse('2026-12-02T15:00:00Z');

function aws(watch: AwsConfig['watch'], engine: AwsConfig['engine'] = 'rds-postgres'): AwsConfig {
  return awsSchema.parse({ engine, watch });
}

/** A throttling error as the SDK raises it (name from the x-amzn-query-error code, HTTP 400). */
function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
}

/** A stand-in for CloudWatch's GetMetricData: each call answered by `answer` (or its throw), every input kept. */
function fakeCloudWatch(answer: (input: GetMetricDataCommand['input'], call: number) => Partial<GetMetricDataCommandOutput>): MetricDataSender & { inputs: GetMetricDataCommand['input'][] } {
  const inputs: GetMetricDataCommand['input'][] = [];
  return {
    inputs,
    async send(command) {
      inputs.push(command.input);
      return { $metadata: {}, ...answer(command.input, inputs.length) } as GetMetricDataCommandOutput;
    },
  };
}

const points = (ids: (string | undefined)[], minutes: number[], status: MetricDataResult['StatusCode'] = 'Complete'): MetricDataResult[] =>
  ids.map((Id) => ({ Id, StatusCode: status, Timestamps: minutes.map((m) => new Date(T0 + m * 60_000)), Values: minutes.map((m) => m * 10) }));

describe('the period and window of a fetch', () => {
  it('uses the finest period CloudWatch keeps for the data\u2019s age', () => {
    const h = 3_600_000;
    expect(finestPeriod(2 * h, true)).toBe(1);
    expect(finestPeriod(4 * h, true)).toBe(60);
    expect(finestPeriod(2 * h)).toBe(60);
    expect(finestPeriod(14 * 24 * h)).toBe(60);
    expect(finestPeriod(16 * 24 * h)).toBe(300);
    expect(finestPeriod(64 * 24 * h)).toBe(3600);
  });

  it('widens the window to whole periods', () => {
    const w = alignWindow(T0 + 61_500, T0 + 125_000, 60);
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual(['2026-12-02T15:01:00.000Z', '2026-12-02T15:03:00.000Z']);
  });
});

describe('the metrics of each engine', () => {
  const names = (engine: 'rds-postgres' | 'aurora-postgres', kind: 'instance' | 'cluster') => rdsMetrics(engine, kind).map((m) => m.name);

  it('asks RDS for PostgreSQL for ReplicaLag and never for the Aurora-only metrics', () => {
    const rds = names('rds-postgres', 'instance');
    expect(rds).toEqual(expect.arrayContaining(['ReplicaLag', 'OldestReplicationSlotLag', 'TransactionLogsDiskUsage', 'MaximumUsedTransactionIDs', 'DatabaseConnections', 'CPUUtilization', 'FreeableMemory', 'ReadLatency', 'WriteLatency']));
    expect(rds).not.toContain('CommitLatency');
    expect(rds).not.toContain('Deadlocks');
    expect(rds).not.toContain('AuroraReplicaLag');
  });

  it('asks Aurora PostgreSQL for AuroraReplicaLag, CommitLatency and Deadlocks; its clusters for the readers\u2019 maximum lag', () => {
    expect(names('aurora-postgres', 'instance')).toEqual(expect.arrayContaining(['AuroraReplicaLag', 'CommitLatency', 'Deadlocks', 'OldestReplicationSlotLag']));
    expect(names('aurora-postgres', 'instance')).not.toContain('ReplicaLag');
    expect(names('aurora-postgres', 'cluster')).toContain('AuroraReplicaLagMaximum');
  });

  it('names instances by DBInstanceIdentifier and clusters by DBClusterIdentifier, one query id each', () => {
    const planned = planQueries(aws({ blue: { instance: 'db-blue' }, writer: { cluster: 'orders' } }, 'aurora-postgres'), 60);
    const dims = new Set(planned.map((p) => JSON.stringify(p.query.MetricStat?.Metric?.Dimensions)));
    expect([...dims].sort()).toEqual(['[{"Name":"DBClusterIdentifier","Value":"orders"}]', '[{"Name":"DBInstanceIdentifier","Value":"db-blue"}]']);
    expect(new Set(planned.map((p) => p.query.Id)).size).toBe(planned.length);
    for (const p of planned) {
      expect(p.query.Id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
      expect(p.query.MetricStat?.Period).toBe(60);
      expect(p.query.MetricStat?.Metric?.Namespace).toBe('AWS/RDS');
    }
  });
});

describe('fetchRunMetrics (GetMetricData stand-in)', () => {
  it('splits more than 500 queries into requests of at most 500', async () => {
    const watch = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`r${i}`, { instance: `db-${i}` }]));
    const cw = fakeCloudWatch((input) => ({ MetricDataResults: points((input.MetricDataQueries ?? []).map((q) => q.Id), [1]) }));
    const record = await fetchRunMetrics({ aws: aws(watch), client: cw, startMs: T0, endMs: T0 + 300_000, nowMs: T0 + 400_000, retry: FAST });
    expect(record.series.length).toBe(60 * 9);
    expect(cw.inputs.map((i) => i.MetricDataQueries?.length)).toEqual([500, 40]);
    expect(record.requests).toBe(2);
    expect(record.series.every((s) => s.status === 'ok' && s.values.length === 1)).toBe(true);
    expect(cw.inputs[0]).toMatchObject({ StartTime: new Date(T0), EndTime: new Date(T0 + 300_000), ScanBy: 'TimestampAscending' });
  });

  it('follows NextToken and merges the pages of each query in time order', async () => {
    const cw = fakeCloudWatch((input) => {
      const ids = (input.MetricDataQueries ?? []).map((q) => q.Id);
      if (!input.NextToken) return { MetricDataResults: points(ids, [3, 4], 'PartialData'), NextToken: 'page-2' };
      if (input.NextToken === 'page-2') return { MetricDataResults: points(ids, [1, 2], 'PartialData'), NextToken: 'page-3' };
      return { MetricDataResults: points(ids, [0, 4], 'Complete') };
    });
    const record = await fetchRunMetrics({ aws: aws({ blue: { instance: 'db-blue' } }), client: cw, startMs: T0, endMs: T0 + 300_000, nowMs: T0 + 400_000, maxDatapoints: 2, retry: FAST });
    expect(cw.inputs.map((i) => i.NextToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(cw.inputs.every((i) => i.MaxDatapoints === 2)).toBe(true);
    const cpu = record.series.find((s) => s.metric === 'CPUUtilization')!;
    expect(cpu.status).toBe('ok');
    expect(cpu.values).toEqual([0, 10, 20, 30, 40]);
    expect(cpu.timestamps[0]).toBe('2026-12-02T15:00:00.000Z');
    expect(record.requests).toBe(3);
  });

  it('retries throttling with backoff and records it', async () => {
    const cw = fakeCloudWatch((input, call) => {
      if (call <= 2) throw throttling();
      return { MetricDataResults: points((input.MetricDataQueries ?? []).map((q) => q.Id), [1]) };
    });
    const record = await fetchRunMetrics({ aws: aws({ blue: { instance: 'db-blue' } }), client: cw, startMs: T0, endMs: T0 + 60_000, nowMs: T0 + 120_000, retry: FAST });
    expect(record.status).toBe('ok');
    expect(record.throttled).toBe(2);
    expect(record.messages.join('\n')).toMatch(/throttled 2 time\(s\), then answered/);
    expect(record.series.every((s) => s.status === 'ok')).toBe(true);
  });

  it('records throttling that persists as an error of the series, without throwing', async () => {
    const cw = fakeCloudWatch(() => {
      throw throttling();
    });
    const record = await fetchRunMetrics({ aws: aws({ blue: { instance: 'db-blue' } }), client: cw, startMs: T0, endMs: T0 + 60_000, nowMs: T0 + 120_000, retry: FAST });
    expect(record.status).toBe('error');
    expect(cw.inputs).toHaveLength(FAST.attempts);
    expect(record.messages.join('\n')).toMatch(/still throttled after 4 attempts: Throttling: Rate exceeded/);
    expect(record.series.every((s) => s.status === 'error' && s.messages.some((m) => m.includes('Throttling')))).toBe(true);
  });

  it('keeps the datapoints of earlier pages when a later one fails, as partial', async () => {
    const cw = fakeCloudWatch((input) => {
      if (input.NextToken) throw Object.assign(new Error('boom'), { name: 'InternalServiceFault', $metadata: { httpStatusCode: 500 } });
      return { MetricDataResults: points((input.MetricDataQueries ?? []).map((q) => q.Id), [1], 'PartialData'), NextToken: 'more' };
    });
    const record = await fetchRunMetrics({ aws: aws({ blue: { instance: 'db-blue' } }), client: cw, startMs: T0, endMs: T0 + 60_000, nowMs: T0 + 120_000, retry: FAST });
    expect(cw.inputs).toHaveLength(2);
    expect(record.status).toBe('error');
    expect(record.series.every((s) => s.status === 'partial' && s.values.length === 1)).toBe(true);
    expect(record.messages[0]).toMatch(/page 2\) failed: InternalServiceFault: boom \(HTTP 500\)/);
  });

  it('records a metric without datapoints as "no datapoints"', async () => {
    const cw = fakeCloudWatch((input) => ({ MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] })) }));
    const record = await fetchRunMetrics({ aws: aws({ green: { instance: 'db-green' } }), client: cw, startMs: T0, endMs: T0 + 60_000, nowMs: T0 + 120_000, retry: FAST });
    expect(record.status).toBe('ok');
    expect(record.series.every((s) => s.status === 'empty' && s.messages.includes('no datapoints in the window'))).toBe(true);
  });

  it('tells throttling from other errors', () => {
    expect(isThrottling(throttling())).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe(false);
  });
});

describe('the aws block of a scenario', () => {
  const base = { name: 'x', blue: { provider: 'embedded', version: '16' }, steps: [{ action: 'wait', duration: '1s' }] };

  it('is validated with the scenario, naming the field', () => {
    expect(() => validateScenario({ ...base, aws: { watch: { blue: { instance: 'db-blue' } } } })).toThrow(/field "aws.engine": expected "rds-postgres" or "aurora-postgres"/);
    expect(() => validateScenario({ ...base, aws: { engine: 'rds-postgres', endpoint: 'not a url' } })).toThrow(/field "aws.endpoint": an http or https URL/);
    expect(() => validateScenario({ ...base, aws: { engine: 'rds-postgres', watch: { blue: { instance: 'a', cluster: 'b' } } } })).toThrow(/aws.watch.blue/);
    expect(() => validateScenario({ ...base, aws: { publish: { namespace: 'AWS/Mine' } } })).toThrow(/aws.publish.namespace/);
  });

  it('gets its defaults', () => {
    const s = validateScenario({ ...base, aws: { endpoint: 'http://127.0.0.1:5000', publish: {} } });
    expect(s.aws).toEqual({ endpoint: 'http://127.0.0.1:5000', watch: {}, publish: { namespace: 'Cutover/Soak', intervalMs: 10_000 } });
  });
});
