import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeHistogram, newHistogram, recordMs } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';
import { renderRunDirectory } from '../../reports/render-run.js';
import { seededRandom } from '../../load/driver/seeded-random.js';
import { diffAndGate } from '../../reports/diff-and-gate.js';
import { readSnapshot } from '../../checks/snapshot.js';
import { resolveConfig } from '../../core/config.js';
import type { Browser } from 'playwright-core';
import { canvasInk, launchBrowser, openReport } from '../support/browser.js';

const FIXTURES = new URL('../fixtures/snapshots/', import.meta.url);

/**
 * A run directory as a one-hour soak at `rate` attempts/s leaves it: 3,600 timeline lines with
 * real latency and lag histograms, four steps (one with an outage), the snapshots of the unit
 * fixtures and their diff. Latencies are log-normal-ish around 2 ms with a slow tail.
 */
async function syntheticRun(dir: string, seconds: number, rate: number): Promise<void> {
  const random = seededRandom(42);
  const start = Date.parse('2026-12-01T10:00:00.000Z');
  const lines: string[] = [];
  const outageFrom = Math.floor(seconds * 0.5);
  for (let s = 0; s < seconds; s++) {
    const latency = newHistogram();
    const lag = newHistogram();
    const down = s >= outageFrom && s < outageFrom + 3;
    const ok = down ? 0 : rate;
    for (let i = 0; i < ok; i++) recordMs(latency, 0.8 + Math.exp(random() * 2) * (random() < 0.01 ? 20 : 0.6));
    for (let i = 0; i < rate; i++) recordMs(lag, random() * random() * 3);
    const bucket: TimelineBucket = {
      t: start + s * 1000,
      at: new Date(start + s * 1000).toISOString(),
      second: s,
      spanMs: 1000,
      attempts: rate,
      ok,
      errors: down ? { refused: rate } : {},
      ledgered: { ok: down ? 0 : Math.round(rate * 0.56), error: down ? Math.round(rate * 0.56) : 0, unknown: 0 },
      inFlight: 2,
      lagMs: { p50: lag.getValueAtPercentile(50) / 1000, p99: lag.getValueAtPercentile(99) / 1000, max: lag.maxValue / 1000 },
      latencyMs: { p50: latency.getValueAtPercentile(50) / 1000, p99: latency.getValueAtPercentile(99) / 1000, max: latency.maxValue / 1000 },
      lagHistUs: encodeHistogram(lag),
      latencyHistUs: encodeHistogram(latency),
      ops: { 'insert-event': { attempts: Math.round(rate * 0.56), ok: down ? 0 : Math.round(rate * 0.56), failed: down ? Math.round(rate * 0.56) : 0 } },
    };
    lines.push(JSON.stringify(bucket));
  }
  await writeFile(join(dir, 'timeline.ndjson'), `${lines.join('\n')}\n`);
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  const step = (name: string, action: string, from: number, to: number, extra: Partial<StepRecord> = {}): StepRecord => ({
    name, action, status: 'ok', startedAt: at(from), endedAt: at(to), durationMs: (to - from) * 1000, downtimeMs: 0, failedAttempts: 0, lost: 0, unexpected: 0, duplicated: 0, ...extra,
  });
  const outage = { start: at(outageFrom), end: at(outageFrom + 3), durationMs: 3000, failedAttempts: rate * 3, errorClasses: { refused: rate * 3 } };
  const attempts = Math.round(seconds * rate * 0.56);
  const run: RunManifest = {
    kind: 'cutover.run', schemaVersion: 1, tool: { name: 'cutover', version: 'bench' }, name: 'bench-one-hour',
    startedAt: at(0), endedAt: at(seconds), durationMs: seconds * 1000, verdict: 'warn', method: 'logical',
    config: { commandLine: ['cutover', 'rehearse', '--rate', String(rate), '--duration', `${seconds}s`] },
    endpoints: { blue: { host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', sslmode: 'disable', version: '16.4' }, green: { host: '127.0.0.1', port: 5433, database: 'app', user: 'postgres', sslmode: 'disable', version: '17.11' } },
    steps: [
      step('soak before', 'wait', 0, outageFrom - 60),
      step('logical blue/green', 'logical-bluegreen', outageFrom - 60, outageFrom + 10, { downtimeMs: 3000, failedAttempts: rate * 3, outages: [outage] }),
      step('soak after', 'wait', outageFrom + 10, seconds),
    ],
    files: {},
    soak: {
      driver: 'node', workload: 'notifications', schema: 'cutover', rate, plannedDurationMs: seconds * 1000, timeoutMs: 1000, degradedThresholdMs: 500,
      lanes: { driver: { intervalMs: 1000 / rate } }, writers: [{ writerKey: 1, label: 'bench' }], startedAt: at(0), endedAt: at(seconds), durationMs: seconds * 1000,
      summary: { attempts, confirmed: attempts - rate * 2, lost: 0, recovered: 0, notCommitted: rate * 2, failed: 0, unexpected: 0, duplicated: 0, downtimeMs: 3000, resolutionMs: 1000 / rate, outages: [outage] },
      downtime: { lane: 'driver', note: 'bench', degraded: [] },
    },
  } as RunManifest;
  await writeFile(join(dir, 'run.json'), JSON.stringify(run));
  for (const f of ['pre.snapshot.json', 'post.snapshot.json']) await copyFile(new URL(f, FIXTURES), join(dir, f));
  const diff = diffAndGate(await readSnapshot(join(dir, 'pre.snapshot.json')), await readSnapshot(join(dir, 'post.snapshot.json')), resolveConfig({}));
  await writeFile(join(dir, 'findings.json'), JSON.stringify(diff));
}

/** Time for headless Chromium to load the page and draw every chart (when Chromium is here). */
async function browserLoad(file: string): Promise<void> {
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    console.log(`report: browser load not measured: ${(error as Error).message}`);
    return;
  }
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const opened = await openReport(browser, file);
      await opened.page.waitForFunction(() => [...document.querySelectorAll('canvas')].every((c) => c.width > 0 && c.getAttribute('data-drawn') !== 'no'), undefined, { timeout: 30_000 });
      const ink = await canvasInk(opened.page);
      times.push(performance.now() - t0);
      if (Object.values(ink).some((n) => n === 0)) console.log('report: a chart drew nothing');
      await opened.page.context().close();
    }
    const ms = [...times].sort((a, b) => a - b)[1] ?? NaN;
    console.log(`report: opened in headless Chromium with every chart drawn: median ${(ms / 1000).toFixed(2)} s = ${(ms / 5000).toFixed(2)}× the 5 s budget`);
  } finally {
    await browser.close();
  }
}

/**
 * The report of a one-hour soak at 1,000 attempts/s: time to render every file of the run
 * directory (HTML with its inline charts, PNG charts, JUnit, summary) and the size of report.html,
 * beside the time to merely read and parse the timeline (the floor any renderer pays).
 */
export async function benchReport(options: { seconds?: number; rate?: number; repeat?: number } = {}): Promise<void> {
  const seconds = options.seconds ?? 3_600;
  const rate = options.rate ?? 1_000;
  const repeat = options.repeat ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'cutover-bench-report-'));
  try {
    await mkdir(dir, { recursive: true });
    const t0 = performance.now();
    await syntheticRun(dir, seconds, rate);
    console.log(`report: synthetic run of ${seconds} s at ${rate}/s written in ${((performance.now() - t0) / 1000).toFixed(1)} s (timeline ${((await stat(join(dir, 'timeline.ndjson'))).size / 1e6).toFixed(1)} MB)`);
    const parse: number[] = [];
    const render: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const p0 = performance.now();
      const text = await readFile(join(dir, 'timeline.ndjson'), 'utf8');
      text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
      parse.push(performance.now() - p0);
      const r0 = performance.now();
      await renderRunDirectory(dir);
      render.push(performance.now() - r0);
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
    const html = (await stat(join(dir, 'report.html'))).size;
    const renderMs = med(render);
    const parseMs = med(parse);
    console.log(`report: render (HTML, PNG charts, JUnit, summary) median ${(renderMs / 1000).toFixed(2)} s = ${(renderMs / 5000).toFixed(2)}× the 5 s budget; reading and parsing timeline.ndjson alone ${(parseMs / 1000).toFixed(2)} s (render / parse ${(renderMs / parseMs).toFixed(1)}×)`);
    console.log(`report: report.html ${(html / 1e6).toFixed(2)} MB = ${(html / 5e6).toFixed(2)}× the 5 MB budget`);
    await browserLoad(join(dir, 'report.html'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
