import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startMoto, type Moto } from '../support/moto.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { canvasInk, launchBrowser, openReport, screenshot } from '../support/browser.js';
import type { CloudWatchRecord } from '../../scenarios/aws/index.js';
import type { RunManifest } from '../../run/manifest.js';
import type { TimelineBucket } from '../../load/timeline-types.js';

const MINUTE = 60_000;
let moto: Moto;
let work: string;
let cw: CloudWatchClient;

beforeAll(async () => {
  moto = await startMoto();
  work = await mkdtemp(join(tmpdir(), 'cutover-cloudwatch-scenario-'));
  cw = new CloudWatchClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('cutover run with an aws block pointing at a moto server', () => {
  it('fetches the watched instances\u2019 metrics into cloudwatch.json and the report, and publishes the soak live', async () => {
    // What RDS would have published for blue around the run: one datapoint every 20 s, from two
    // minutes before until three minutes after now. Nothing for green: "no datapoints".
    const now = Date.now();
    const times = Array.from({ length: 16 }, (_, i) => now - 2 * MINUTE + i * 20_000);
    for (const [metric, value] of [['CPUUtilization', (i: number) => 20 + i], ['DatabaseConnections', (i: number) => 40 - i]] as const) {
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/RDS', MetricData: times.map((t, i) => ({ MetricName: metric, Value: value(i), Timestamp: new Date(t), Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-blue' }] })) }));
    }
    const file = join(work, 'cloudwatch.scenario.yaml');
    await writeFile(
      file,
      `name: cw-demo
blue: { provider: embedded, version: '16' }
dataset: false
soak: { rate: 20 }
aws:
  endpoint: ${moto.endpoint}
  engine: rds-postgres
  watch:
    blue: { instance: db-blue }
    green: { instance: db-green }
  publish: { intervalMs: 1000 }
steps:
  - { action: wait, duration: 3s, name: hold }
`,
    );
    const runsDir = join(work, 'runs');
    // Region and credentials from the SDK's default chain, as against AWS.
    const env = cleanEnv(work, { AWS_REGION: moto.region, AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' });
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const [dir] = readdirSync(runsDir);
    const runDir = join(runsDir, dir!);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(run.files.cloudwatch).toBe('cloudwatch.json');
    expect(result.stderr).toMatch(/cloudwatch: 18 series at 60 s \(2 with datapoints, 16 no datapoints, 0 partial, 0 not fetched\)/);

    const record = JSON.parse(readFileSync(join(runDir, 'cloudwatch.json'), 'utf8')) as CloudWatchRecord;
    expect(record).toMatchObject({ status: 'ok', period: 60, region: moto.region, engine: 'rds-postgres' });
    const cpu = record.series.find((s) => s.role === 'blue' && s.metric === 'CPUUtilization')!;
    expect(cpu.status).toBe('ok');
    expect(cpu.values.length).toBeGreaterThan(0);
    for (const t of cpu.timestamps) {
      expect(Date.parse(t)).toBeGreaterThanOrEqual(Date.parse(record.window!.start));
      expect(Date.parse(t)).toBeLessThan(Date.parse(record.window!.end));
    }
    expect(Date.parse(record.window!.start)).toBeLessThanOrEqual(Date.parse(run.startedAt));
    expect(record.series.find((s) => s.role === 'green' && s.metric === 'CPUUtilization')).toMatchObject({ status: 'empty', messages: ['no datapoints in the window'] });

    // The soak's own figures, published live: GetMetricData returns what the timeline holds.
    const timeline = readFileSync(join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineBucket);
    const attempts = timeline.reduce((a, b) => a + b.attempts, 0);
    expect(attempts).toBeGreaterThan(40);
    expect(record.publish).toMatchObject({ namespace: 'Cutover/Soak', dimensions: { Scenario: 'cw-demo' }, failedRequests: 0, dropped: 0 });
    expect(record.publish!.published).toBeGreaterThanOrEqual(timeline.length * 3);
    // Live: a request every second while the soak ran, not one at the end.
    expect(record.publish!.requests).toBeGreaterThan(2);
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(timeline[0]!.t - 1000),
        EndTime: new Date(timeline[timeline.length - 1]!.t + 2000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'a', MetricStat: { Metric: { Namespace: 'Cutover/Soak', MetricName: 'Attempts', Dimensions: [{ Name: 'Scenario', Value: 'cw-demo' }] }, Period: 1, Stat: 'Sum' } }],
      }),
    );
    const published = out.MetricDataResults?.[0];
    expect(published?.Values?.reduce((a, v) => a + v, 0)).toBe(attempts);
    expect(published?.Timestamps?.map((t) => t.getTime())).toEqual(timeline.filter((b) => b.spanMs > 0).map((b) => Math.floor(b.t / 1000) * 1000));

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<a href="#cloudwatch">CloudWatch</a>');
    expect(html).toContain('<strong>CloudWatch period 60 s</strong>');
    expect(html).toContain('id="cutover-chart-cloudwatch-cpu-utilization"');
    expect(html).toContain('id="cutover-chart-cloudwatch-database-connections"');
    expect(html).toMatch(/<th class="num">hold<\/th><th class="num">whole run<\/th>/);
    expect(html).toMatch(/<td><code>CPUUtilization<\/code><\/td><td>green <span class="mono">db-green<\/span><\/td><td>no datapoints<\/td>/);
    expect(html).toMatch(/The soak put \d+ datapoints .* to namespace <code>Cutover\/Soak<\/code>/);

    // In a browser: the CloudWatch charts draw, nothing is fetched; a screenshot is kept.
    const browser = await launchBrowser();
    try {
      const opened = await openReport(browser, join(runDir, 'report.html'));
      await opened.page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
      const deadline = Date.now() + 10_000;
      let ink = await canvasInk(opened.page);
      while (Object.values(ink).some((n) => n === 0) && Date.now() < deadline) ink = await canvasInk(opened.page);
      await screenshot(opened.page, 'report-cloudwatch');
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.pageErrors).toEqual([]);
      expect(opened.requests).toEqual([]);
      expect(ink['cutover-chart-cloudwatch-cpu-utilization']).toBeGreaterThan(500);
    } finally {
      await browser.close();
    }
  });
});
