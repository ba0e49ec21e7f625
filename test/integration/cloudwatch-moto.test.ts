import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand, type MetricDataResult, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { startMoto, type Moto } from '../support/moto.js';
import { awsSchema, cloudWatchClient, fetchRunMetrics, openRunCloudWatch, readCloudWatchRecord, SoakPublisher, type AwsConfigInput, type CloudWatchRecord } from '../../scenarios/aws/index.js';
import { createRunDirectory, writeJsonAtomic } from '../../run/run-directory.js';
import type { RunManifest } from '../../run/manifest.js';
import { renderRunDirectory } from '../../reports/render-run.js';
import type { TimelineBucket } from '../../load/timeline-types.js';

const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const MINUTE = 60_000;

let moto: Moto;
let work: string;
let seed: CloudWatchClient;
/** The run window of every test: the five whole minutes before this one; metrics are put inside it. */
let startMs: number;
let endMs: number;

beforeAll(async () => {
  moto = await startMoto();
  work = await mkdtemp(join(tmpdir(), 'cutover-cloudwatch-moto-'));
  // cutover's client takes its credentials from the SDK's default chain, as with AWS.
  process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  seed = new CloudWatchClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  // Whole minutes, so that which datapoint falls in which step does not depend on the second the test starts.
  endMs = Math.floor(Date.now() / MINUTE) * MINUTE;
  startMs = endMs - 5 * MINUTE;
});

afterAll(async () => {
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Puts AWS/RDS datapoints for an instance, one in the middle of each minute of the window, as RDS would. */
async function putRds(instance: string, metric: string, values: number[]): Promise<void> {
  const data: MetricDatum[] = values.map((Value, i) => ({ MetricName: metric, Value, Timestamp: new Date(startMs + 30_000 + i * MINUTE), Dimensions: [{ Name: 'DBInstanceIdentifier', Value: instance }] }));
  await seed.send(new PutMetricDataCommand({ Namespace: 'AWS/RDS', MetricData: data }));
}

function aws(o: Partial<AwsConfigInput> & { watch: NonNullable<AwsConfigInput['watch']> }, endpoint = moto.endpoint) {
  return awsSchema.parse({ region: moto.region, endpoint, engine: 'rds-postgres', ...o });
}

/**
 * A real HTTP stand-in in front of moto, for throttling only (moto never throttles): answers the
 * first `throttle` requests as CloudWatch does when it throttles (HTTP 400, code Throttling) and
 * forwards the rest to moto, counting the GetMetricData requests it sees.
 */
async function throttlingProxy(throttle: number): Promise<{ endpoint: string; getMetricData: number; close(): Promise<void> }> {
  let left = throttle;
  const state = { getMetricData: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (String(req.headers['x-amz-target'] ?? '').endsWith('GetMetricData')) state.getMetricData++;
    if (left > 0) {
      left--;
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'Throttling;Sender' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.cloudwatch#ThrottlingException', message: 'Rate exceeded' }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'connection').map(([k, v]) => [k, String(v)]));
    const answer = await fetch(`${moto.endpoint}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get getMetricData() {
      return state.getMetricData;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * A real HTTP stand-in in front of moto, for pagination only (moto answers every GetMetricData
 * in one page): it forwards each request to moto, then answers the first page with the first
 * half of every result's points, StatusCode PartialData and a NextToken, and the request that
 * carries that token with the second half, Complete. cutover's client talks HTTP to it through
 * the SDK, as it would to CloudWatch.
 */
async function pagingProxy(): Promise<{ endpoint: string; tokens: (string | undefined)[]; close(): Promise<void> }> {
  const tokens: (string | undefined)[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const paged = String(req.headers['x-amz-target'] ?? '').endsWith('GetMetricData');
    let body = Buffer.concat(chunks);
    let token: string | undefined;
    if (paged) {
      const input = JSON.parse(body.toString('utf8')) as { NextToken?: string };
      token = input.NextToken;
      tokens.push(token);
      delete input.NextToken;
      body = Buffer.from(JSON.stringify(input));
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'connection' && k !== 'content-length').map(([k, v]) => [k, String(v)]));
    const answer = await fetch(`${moto.endpoint}${req.url}`, { method: req.method, headers, body });
    const text = Buffer.from(await answer.arrayBuffer());
    if (!paged || answer.status !== 200) {
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => k !== 'content-length')));
      res.end(text);
      return;
    }
    const output = JSON.parse(text.toString('utf8')) as { MetricDataResults?: { Timestamps?: unknown[]; Values?: unknown[]; StatusCode?: string }[]; NextToken?: string };
    const first = token === undefined;
    for (const r of output.MetricDataResults ?? []) {
      const half = Math.ceil((r.Values ?? []).length / 2);
      r.Timestamps = first ? (r.Timestamps ?? []).slice(0, half) : (r.Timestamps ?? []).slice(half);
      r.Values = first ? (r.Values ?? []).slice(0, half) : (r.Values ?? []).slice(half);
      r.StatusCode = first ? 'PartialData' : 'Complete';
    }
    if (first) output.NextToken = 'page-2';
    else delete output.NextToken;
    res.writeHead(200, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(output));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}`, tokens, close: () => new Promise((r) => server.close(() => r())) };
}

/** A run directory with a manifest of two steps inside the window, as the runner leaves it. */
async function runDirectory(name: string): Promise<{ runDir: string; manifest: RunManifest }> {
  const runDir = await createRunDirectory({ name, parent: work });
  const step = (n: string, from: number, to: number) => ({ name: n, action: 'wait', status: 'ok' as const, startedAt: new Date(from).toISOString(), endedAt: new Date(to).toISOString(), durationMs: to - from, downtimeMs: null, failedAttempts: null, lost: null, unexpected: null, duplicated: null });
  const manifest: RunManifest = {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: 'test' },
    name,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    durationMs: endMs - startMs,
    verdict: 'pass',
    method: 'scenario',
    config: {},
    endpoints: {},
    steps: [step('before', startMs + 10_000, startMs + 2 * MINUTE), step('switchover', startMs + 2 * MINUTE, startMs + 3 * MINUTE)],
    files: {},
  };
  await writeJsonAtomic(join(runDir, 'run.json'), manifest);
  return { runDir, manifest };
}

describe('CloudWatch metrics fetched from a moto server', () => {
  it('fetches what was put into AWS/RDS over HTTP, writes cloudwatch.json and shows it in the report', async () => {
    await putRds('db-blue', 'CPUUtilization', [10, 20, 90, 30, 15]);
    await putRds('db-blue', 'DatabaseConnections', [40, 41, 0, 38, 40]);
    await putRds('db-green', 'ReplicaLag', [0.5, 2, 7, 1, 0]);
    const { runDir, manifest } = await runDirectory('fetch');
    const log: string[] = [];
    // The runner's hook, region from the block, credentials from the environment.
    const cw = openRunCloudWatch(aws({ watch: { blue: { instance: 'db-blue' }, green: { instance: 'db-green' } } }), { runDir, name: 'fetch', log: (l) => log.push(l) });
    await cw.finish({ manifest });
    expect(manifest.files.cloudwatch).toBe('cloudwatch.json');
    const record = (await readCloudWatchRecord(runDir))!;
    expect(record).toMatchObject({ status: 'ok', period: 60, region: 'us-east-1', endpoint: moto.endpoint, requests: 1, throttled: 0 });
    const cpu = record.series.find((s) => s.role === 'blue' && s.metric === 'CPUUtilization')!;
    expect(cpu).toMatchObject({ identifier: 'db-blue', dimension: 'DBInstanceIdentifier', stat: 'Average', period: 60, status: 'ok', values: [10, 20, 90, 30, 15] });
    for (const t of cpu.timestamps) {
      expect(Date.parse(t)).toBeGreaterThanOrEqual(Date.parse(record.window!.start));
      expect(Date.parse(t)).toBeLessThan(Date.parse(record.window!.end));
    }
    expect(record.series.find((s) => s.role === 'green' && s.metric === 'ReplicaLag')).toMatchObject({ status: 'ok', stat: 'Maximum', values: [0.5, 2, 7, 1, 0] });
    // Put nothing for green's CPU: recorded, and shown, as no datapoints.
    expect(record.series.find((s) => s.role === 'green' && s.metric === 'CPUUtilization')).toMatchObject({ status: 'empty', values: [], messages: ['no datapoints in the window'] });
    expect(log[0]).toMatch(/^cloudwatch: 18 series at 60 s \(3 with datapoints, 15 no datapoints, 0 partial, 0 not fetched\) in 1 request\(s\)$/);

    await renderRunDirectory(runDir);
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<strong>CloudWatch period 60 s</strong>');
    expect(html).toContain('id="cutover-chart-cloudwatch-cpu-utilization"');
    expect(html).toContain('id="cutover-chart-cloudwatch-replica-lag"');
    // Steps: "before" covers minutes 0 and 1 of the window, "switchover" minute 2, where CPU was at 90 % and the connections at 0.
    const row = (metric: string, role: string) => html.match(new RegExp(`<tr><td><code>${metric}</code></td><td>${role} [^\\n]*</tr>`))?.[0] ?? '';
    expect(row('CPUUtilization', 'blue')).toMatch(/<td class="num">20 %<\/td><td class="num">90 %<\/td><td class="num">90 %<\/td><\/tr>$/);
    expect(row('DatabaseConnections', 'blue')).toMatch(/<td class="num">40<\/td><td class="num">0<\/td><td class="num">0<\/td><\/tr>$/);
    expect(html).toMatch(/<td><code>CPUUtilization<\/code><\/td><td>green <span class="mono">db-green<\/span><\/td><td>no datapoints<\/td>/);
  });

  it('sends more than 500 queries as more than one request, and reads the region from the SDK chain', async () => {
    await putRds('db-0', 'FreeableMemory', [1e9, 1e9, 2e9, 1e9, 1e9]);
    await putRds('db-59', 'FreeableMemory', [3e9, 3e9, 3e9, 3e9, 3e9]);
    const watch = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`r${i}`, { instance: `db-${i}` }]));
    const proxy = await throttlingProxy(0);
    process.env.AWS_REGION = moto.region;
    try {
      const config = awsSchema.parse({ endpoint: proxy.endpoint, engine: 'rds-postgres', watch });
      const record = await fetchRunMetrics({ aws: config, client: cloudWatchClient(config), startMs, endMs, retry: FAST });
      expect(record.series).toHaveLength(540);
      expect(proxy.getMetricData).toBe(2);
      expect(record).toMatchObject({ status: 'ok', requests: 2, region: 'us-east-1' });
      const memory = (identifier: string) => record.series.find((s) => s.identifier === identifier && s.metric === 'FreeableMemory')?.values;
      expect(memory('db-0')).toEqual([1e9, 1e9, 2e9, 1e9, 1e9]);
      // db-59's queries are in the second request.
      expect(memory('db-59')).toEqual([3e9, 3e9, 3e9, 3e9, 3e9]);
    } finally {
      delete process.env.AWS_REGION;
      await proxy.close();
    }
  });

  it('follows NextToken across pages over HTTP and merges each series in time order', async () => {
    await putRds('db-paged', 'CPUUtilization', [11, 12, 13, 14, 15]);
    const proxy = await pagingProxy();
    try {
      const config = aws({ watch: { blue: { instance: 'db-paged' } } }, proxy.endpoint);
      const record = await fetchRunMetrics({ aws: config, client: cloudWatchClient(config), startMs, endMs, retry: FAST });
      expect(proxy.tokens).toEqual([undefined, 'page-2']);
      expect(record).toMatchObject({ status: 'ok', requests: 2 });
      expect(record.series.find((s) => s.metric === 'CPUUtilization')).toMatchObject({ status: 'ok', values: [11, 12, 13, 14, 15] });
    } finally {
      await proxy.close();
    }
  });

  it('retries throttled requests with backoff and records the throttling', async () => {
    await putRds('db-throttled', 'CPUUtilization', [5, 6, 7, 8, 9]);
    const proxy = await throttlingProxy(2);
    try {
      const config = aws({ watch: { blue: { instance: 'db-throttled' } } }, proxy.endpoint);
      const record = await fetchRunMetrics({ aws: config, client: cloudWatchClient(config), startMs, endMs, retry: FAST });
      expect(proxy.getMetricData).toBe(3);
      expect(record).toMatchObject({ status: 'ok', throttled: 2, requests: 1 });
      expect(record.messages).toEqual(['GetMetricData (9 queries, page 1): throttled 2 time(s), then answered']);
      expect(record.series.find((s) => s.metric === 'CPUUtilization')?.values).toEqual([5, 6, 7, 8, 9]);
    } finally {
      await proxy.close();
    }
  });

  it('records throttling that persists in cloudwatch.json and the report, and the run goes on', async () => {
    const proxy = await throttlingProxy(1_000);
    const { runDir, manifest } = await runDirectory('throttled');
    const log: string[] = [];
    try {
      const cw = openRunCloudWatch(aws({ watch: { blue: { instance: 'db-blue' } } }, proxy.endpoint), { runDir, name: 'throttled', log: (l) => log.push(l), retry: FAST });
      await expect(cw.finish({ manifest })).resolves.toBeUndefined();
    } finally {
      await proxy.close();
    }
    const record = (await readCloudWatchRecord(runDir)) as CloudWatchRecord;
    expect(record).toMatchObject({ status: 'error', throttled: FAST.attempts });
    expect(record.messages).toEqual([`GetMetricData (9 queries, page 1) still throttled after ${FAST.attempts} attempts: Throttling: Rate exceeded (HTTP 400)`]);
    expect(record.series.every((s) => s.status === 'error')).toBe(true);
    expect(log.some((l) => /^cloudwatch: warning: could not fetch the metrics: .*Throttling/.test(l))).toBe(true);
    await renderRunDirectory(runDir);
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('still throttled after 4 attempts: Throttling: Rate exceeded (HTTP 400)');
    expect(html).toContain('CloudWatch metrics could not be fetched');
  });

  it('publishes the soak\u2019s per-second figures as high-resolution metrics that GetMetricData returns', async () => {
    const publisher = new SoakPublisher({ client: cloudWatchClient({ region: moto.region, endpoint: moto.endpoint }), namespace: 'Cutover/Soak', dimensions: { Scenario: 'moto-publish' }, intervalMs: 1_000 });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 20_000;
    const bucket = (s: number): TimelineBucket => ({ t: t0 + s * 1000, at: '', second: s, spanMs: 1000, attempts: 50 + s, ok: 50, errors: s === 3 ? { refused: 7 } : {}, ledgered: { ok: 0, error: 0, unknown: 0 }, inFlight: 0, lagMs: { p50: 0, p99: 1, max: 1 }, latencyMs: { p50: 1, p99: 10 + s, max: 20 }, lagHistUs: '', latencyHistUs: '', ops: {} });
    for (let s = 0; s < 10; s++) publisher.add(bucket(s));
    const summary = await publisher.close();
    expect(summary).toMatchObject({ published: 50, failedRequests: 0 });
    const query = (id: string, metric: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'Cutover/Soak', MetricName: metric, Dimensions: [{ Name: 'Scenario', Value: 'moto-publish' }] }, Period: 1, Stat: 'Sum' } });
    const out = await seed.send(new GetMetricDataCommand({ StartTime: new Date(t0), EndTime: new Date(t0 + 10_000), ScanBy: 'TimestampAscending', MetricDataQueries: [query('a', 'Attempts'), query('e', 'Errors'), query('l', 'LatencyP99')] }));
    const byId: Record<string, MetricDataResult> = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(byId.a?.Values).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    expect(byId.a?.Timestamps?.map((t: Date) => t.getTime())).toEqual(Array.from({ length: 10 }, (_, s) => t0 + s * 1000));
    expect(byId.e?.Values).toEqual([0, 0, 0, 7, 0, 0, 0, 0, 0, 0]);
    expect(byId.l?.Values).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});
