import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudWatchRecord, MetricSeries } from '../../scenarios/aws/index.js';
import type { RunManifest } from '../../run/manifest.js';
import { chartConfigs, loadRunCharts, stepPoints } from '../../reports/charts/index.js';
import { cloudwatchSectionHtml } from '../../reports/sections/index.js';
import { renderRunDirectory } from '../../reports/render-run.js';

/** A real logical blue/green rehearsal: load from 15:25:03.6, steps 15:25:03.7 to 15:25:22.3. */
const FIXTURE = fileURLToPath(new URL('../fixtures/runs/logical-bluegreen', import.meta.url));

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fixtureCopy(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cutover-cloudwatch-report-'));
  dirs.push(d);
  await cp(FIXTURE, d, { recursive: true });
  return d;
}

function series(o: Partial<MetricSeries> & Pick<MetricSeries, 'metric' | 'role' | 'identifier'>): MetricSeries {
  return { id: 'm0', namespace: 'AWS/RDS', dimension: 'DBInstanceIdentifier', stat: 'Average', unit: 'percent', summary: 'max', period: 60, timestamps: [], values: [], status: 'ok', messages: [], ...o };
}

function record(list: MetricSeries[], o: Partial<CloudWatchRecord> = {}): CloudWatchRecord {
  return {
    kind: 'cutover.cloudwatch',
    schemaVersion: 1,
    fetchedAt: '2026-12-02T15:25:30.000Z',
    status: 'ok',
    engine: 'rds-postgres',
    region: 'us-east-1',
    window: { start: '2026-12-02T15:24:00.000Z', end: '2026-12-02T15:26:00.000Z' },
    period: 60,
    requests: 1,
    throttled: 0,
    series: list,
    messages: [],
    ...o,
  };
}

const minutes = (...ms: string[]) => ms.map((m) => `2026-12-02T15:${m}:00.000Z`);

const SAMPLE = record([
  series({ metric: 'CPUUtilization', role: 'blue', identifier: 'db-blue', timestamps: minutes('24', '25'), values: [20, 75.5] }),
  series({ id: 'm1', metric: 'CPUUtilization', role: 'green', identifier: 'db-green', timestamps: minutes('25'), values: [12] }),
  series({ id: 'm2', metric: 'DatabaseConnections', role: 'blue', identifier: 'db-blue', unit: 'count', summary: 'min', timestamps: minutes('24', '25'), values: [40, 3] }),
  series({ id: 'm3', metric: 'OldestReplicationSlotLag', role: 'blue', identifier: 'db-blue', unit: 'bytes', stat: 'Maximum', timestamps: minutes('25'), values: [12_345_678] }),
  series({ id: 'm4', metric: 'ReplicaLag', role: 'green', identifier: 'db-green', unit: 'seconds', stat: 'Maximum', status: 'empty', messages: ['no datapoints in the window'] }),
]);

describe('CloudWatch charts', () => {
  it('charts each metric with datapoints on the soak\u2019s axis, one line per resource, steps as bands', async () => {
    const dir = await fixtureCopy();
    await writeFile(join(dir, 'cloudwatch.json'), JSON.stringify(SAMPLE));
    const data = await loadRunCharts(dir);
    const charts = chartConfigs(data);
    const cw = charts.filter((c) => c.name.startsWith('cloudwatch-'));
    expect(cw.map((c) => c.name)).toEqual(['cloudwatch-cpu-utilization', 'cloudwatch-database-connections', 'cloudwatch-oldest-replication-slot-lag']);
    const cpu = cw[0]!;
    expect(cpu.title).toMatch(/Average of each one-minute period \(60 s\), not a per-second figure/);
    expect(cpu.config?.data.datasets.map((d) => d.label)).toEqual(['blue (db-blue)', 'green (db-green)']);
    const throughput = charts.find((c) => c.name === 'throughput')!;
    // Same axis and bands as the soak's charts.
    expect(cpu.config?.options?.scales?.x).toEqual(throughput.config?.options?.scales?.x);
    expect(cpu.config?.options?.plugins?.cutoverBands).toEqual(throughput.config?.options?.plugins?.cutoverBands);
    expect(cw[2]!.config?.options?.plugins?.cutoverBands).toMatchObject({ bytes: true });
    // The 15:25 datapoint covers the whole axis (the load started at 15:25:03.641): drawn flat across it.
    expect(cpu.config?.data.datasets[1]!.data).toEqual([
      { x: 0, y: 12 },
      { x: data.endSeconds, y: 12 },
    ]);
  });

  it('draws a gap where a period has no datapoint', () => {
    const pts = stepPoints({ timestamps: minutes('00', '01', '05'), values: [1, 2, 3], period: 60 }, Date.parse('2026-12-02T15:00:00Z'));
    expect(pts).toEqual([
      { x: 0, y: 1 },
      { x: 60, y: 2 },
      { x: 120, y: 2 },
      { x: 120, y: null },
      { x: 300, y: 3 },
      { x: 360, y: 3 },
    ]);
    expect(stepPoints({ timestamps: minutes('00', '01'), values: [1, 2], period: 60 }, Date.parse('2026-12-02T15:00:30Z'), { min: 0, max: 45 })).toEqual([
      { x: 0, y: 1 },
      { x: 30, y: 2 },
      { x: 45, y: 2 },
    ]);
  });

  it('says why when nothing came back, and adds nothing when the run fetched no metrics', async () => {
    const dir = await fixtureCopy();
    expect(chartConfigs(await loadRunCharts(dir)).map((c) => c.name)).toEqual(['throughput', 'latency', 'schedule-lag', 'replication-lag']);
    await writeFile(join(dir, 'cloudwatch.json'), JSON.stringify(record([], { status: 'error', messages: ['GetMetricData failed: AccessDenied'] })));
    const empty = chartConfigs(await loadRunCharts(dir)).filter((c) => c.name.startsWith('cloudwatch-'));
    expect(empty).toEqual([{ name: 'cloudwatch-metrics', title: 'CloudWatch metrics (AWS/RDS)', empty: 'CloudWatch metrics could not be fetched: GetMetricData failed: AccessDenied.' }]);
  });
});

describe('CloudWatch section', () => {
  const run = JSON.parse(readFileSync(join(FIXTURE, 'run.json'), 'utf8')) as RunManifest;

  it('states the period and summarises each metric per step', () => {
    const html = cloudwatchSectionHtml(SAMPLE, run);
    expect(html).toContain('<strong>CloudWatch period 60 s</strong>: each point is a one-minute average or maximum (named per metric); do not read it as a per-second figure.');
    const steps = html.slice(html.indexOf('cw-steps'), html.indexOf('</table>', html.indexOf('cw-steps')));
    const rows = [...steps.matchAll(/<tr><td><code>(\w+)<\/code><\/td><td>(\w+) .*?<\/td><td>(.*?)<\/td>(.*?)<\/tr>/g)].map((m) => [m[1], m[2], m[3], [...m[4]!.matchAll(/<td class="num">(.*?)<\/td>/g)].map((c) => c[1])]);
    expect(rows).toEqual([
      // The steps (15:25:03-15:25:22) all fall in the 15:25 minute; the whole run also spans 15:24.
      ['CPUUtilization', 'blue', 'max of average', ['75.5 %', '75.5 %', '75.5 %', '75.5 %']],
      ['CPUUtilization', 'green', 'max of average', ['12 %', '12 %', '12 %', '12 %']],
      ['DatabaseConnections', 'blue', 'min of average', ['3', '3', '3', '3']],
      ['OldestReplicationSlotLag', 'blue', 'max of maximum', ['12.3 MB', '12.3 MB', '12.3 MB', '12.3 MB']],
    ]);
    expect(html).toMatch(/<th class="num">wait 5 s<\/th><th class="num">logical blue\/green from 15.18<\/th><th class="num">wait 5 s<\/th><th class="num">whole run<\/th>/);
    expect(html).toMatch(/<td><code>ReplicaLag<\/code><\/td><td>green <span class="mono">db-green<\/span><\/td><td>no datapoints<\/td><td>no datapoints in the window<\/td>/);
  });

  it('shows throttling, errors and publishing', () => {
    const html = cloudwatchSectionHtml(
      record([series({ metric: 'CPUUtilization', role: 'blue', identifier: 'db-blue', status: 'error', messages: ['GetMetricData (9 queries, page 1) still throttled after 6 attempts: Throttling: Rate exceeded'] })], {
        status: 'error',
        throttled: 6,
        messages: ['GetMetricData (9 queries, page 1) still throttled after 6 attempts: Throttling: Rate exceeded'],
        publish: { namespace: 'Cutover/Soak', dimensions: { Scenario: 'demo' }, metrics: ['Attempts'], intervalMs: 10_000, published: 500, requests: 3, failedRequests: 1, dropped: 5, throttled: 0, errors: ['PutMetricData failed'] },
      }),
      run,
    );
    expect(html).toContain('throttled 6 times (retried with backoff)');
    expect(html).toContain('<li>GetMetricData (9 queries, page 1) still throttled after 6 attempts: Throttling: Rate exceeded</li>');
    expect(html).toContain('No datapoints: the metrics could not be fetched');
    expect(html).toContain('<td>not fetched</td>');
    expect(html).toMatch(/The soak put 500 datapoints .* to namespace <code>Cutover\/Soak<\/code> with dimensions <code>Scenario=demo<\/code> in 3 PutMetricData requests, every 10 s\. 1 request failed; 5 datapoints not published\./);
  });

  it('escapes what came from the run directory', () => {
    const html = cloudwatchSectionHtml(record([series({ metric: '<b>M</b>', role: 'blue', identifier: '<script>x</script>', timestamps: minutes('25'), values: [1] })], { endpoint: 'http://x/"><img>' }), run);
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('<b>M');
    expect(html).not.toContain('"><img>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('the run report with cloudwatch.json', () => {
  it('has the CloudWatch section after the charts, the charts in the page and as PNG', async () => {
    const dir = await fixtureCopy();
    await writeFile(join(dir, 'cloudwatch.json'), JSON.stringify(SAMPLE));
    await renderRunDirectory(dir);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<a href="#cloudwatch">CloudWatch</a>');
    expect(html.indexOf('id="cloudwatch"')).toBeGreaterThan(html.indexOf('id="charts"'));
    expect(html).toContain('id="cutover-chart-cloudwatch-cpu-utilization"');
    expect(html).toContain('CloudWatch period 60 s');
    const png = await stat(join(dir, 'charts', 'cloudwatch-cpu-utilization.png')).catch(() => undefined);
    // PNGs need the optional chartjs-node-canvas; the page says so when it is missing.
    if (png) expect(png.size).toBeGreaterThan(1000);
    else expect(html).toContain('PNG charts not rendered');
  });
});
