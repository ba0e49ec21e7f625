import { afterEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeHistogram, encodeHistogram, mergeHistograms, newHistogram, recordMs } from '../../load/latency-histogram.js';
import { readTimeline } from '../../load/timeline-reader.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { RunManifest } from '../../run/manifest.js';
import { tickStep } from '../../reports/charts/chart-configs.js';
import { BANDS_PLUGIN_SOURCE, bandsPlugin, chartConfigs, chartsSectionHtml, loadRunCharts, PercentileReader, scriptSafeJson, timelineSeries } from '../../reports/charts/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/runs/logical-bluegreen', import.meta.url));

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cutover-charts-'));
  dirs.push(d);
  return d;
}

/** A copy of the fixture run (a real logical blue/green rehearsal), to change. */
async function fixtureCopy(): Promise<string> {
  const d = await tempDir();
  await cp(FIXTURE, d, { recursive: true });
  return d;
}

/** Encoded histograms of `n` latencies each, spread like a soak's (most fast, a tail). */
function histograms(count: number, n: number, seed = 1): string[] {
  let x = seed;
  const random = () => ((x = (x * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: count }, (_, i) => {
    const h = newHistogram();
    for (let j = 0; j < n; j++) recordMs(h, 0.2 + random() * random() * (i % 9 === 0 ? 3000 : 40));
    return encodeHistogram(h);
  });
}

/** Timeline buckets as the Node driver writes them, one per second from `startMs`. */
function syntheticTimeline(seconds: number, rate: number, startMs: number): TimelineBucket[] {
  const hists = histograms(40, rate);
  const lags = histograms(10, rate, 7);
  return Array.from({ length: seconds }, (_, s) => {
    const failing = s % 600 === 300;
    return {
      t: startMs + s * 1000,
      at: new Date(startMs + s * 1000).toISOString(),
      second: s,
      spanMs: 1000,
      attempts: rate,
      ok: failing ? rate - 37 : rate,
      errors: failing ? { reset: 30, refused: 7 } : {},
      ledgered: { ok: rate / 2, error: 0, unknown: 0 },
      inFlight: 3,
      lagMs: { p50: 0.5, p99: 2.1, max: 3 },
      latencyMs: { p50: 1.5, p99: 20.4, max: 31.2 },
      lagHistUs: lags[s % lags.length]!,
      latencyHistUs: hists[s % hists.length]!,
      ops: { 'insert-event': { attempts: rate, ok: rate, failed: 0 } },
    };
  });
}

function manifest(o: { startMs: number; steps: { name: string; from: number; to: number; status?: 'ok' | 'failed' }[] }): RunManifest {
  const iso = (s: number) => new Date(o.startMs + s * 1000).toISOString();
  return {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: '0.0.0' },
    name: 'synthetic',
    startedAt: iso(-2),
    endedAt: null,
    durationMs: null,
    verdict: 'warn',
    method: 'logical',
    config: {},
    endpoints: {},
    files: {},
    steps: o.steps.map((s) => ({
      name: s.name,
      action: 'wait',
      status: s.status ?? 'ok',
      startedAt: iso(s.from),
      endedAt: iso(s.to),
      durationMs: (s.to - s.from) * 1000,
      downtimeMs: 0,
      failedAttempts: 0,
      lost: 0,
      unexpected: 0,
      duplicated: 0,
    })),
  };
}

/** The JSON a section embeds for its charts, read back as the page's script reads it. */
function embeddedCharts(html: string): { name: string; config: { data: { datasets: { label: string }[] }; options: { plugins: { cutoverBands: { bands: { label: string }[] } } } } }[] {
  const match = /<script type="application\/json" id="cutover-charts-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match, 'the embedded chart data').toBeTruthy();
  return JSON.parse(match![1]!);
}

describe('PercentileReader', () => {
  it("returns exactly hdr-histogram-js's percentiles, for single histograms and merged windows", () => {
    const encoded = [...histograms(30, 1000, 3), ...histograms(5, 1, 5), encodeHistogram(newHistogram())];
    const reader = new PercentileReader();
    const ps = [50, 95, 99, 99.9, 100];
    for (const e of encoded) {
      reader.reset();
      reader.add(e);
      const h = decodeHistogram(e);
      expect(reader.count).toBe(h.totalCount);
      expect(reader.percentiles(ps)).toEqual(h.totalCount ? ps.map((p) => h.getValueAtPercentile(p)) : ps.map(() => 0));
    }
    for (let from = 0; from < 30; from += 7) {
      const window = encoded.slice(from, from + 7);
      reader.reset();
      for (const e of window) reader.add(e);
      const merged = mergeHistograms(window);
      expect(reader.percentiles(ps)).toEqual(ps.map((p) => merged.getValueAtPercentile(p)));
    }
  });

  it('refuses what is not an encoded histogram', () => {
    expect(() => new PercentileReader().add('bm90IGEgaGlzdG9ncmFt')).toThrow(/HdrHistogram/);
  });
});

describe('timeline series', () => {
  it('a real timeline: one point per second, counts and percentiles of each second', async () => {
    const buckets = await readTimeline(FIXTURE);
    const s = timelineSeries(buckets);
    expect(s.pointSeconds).toBe(1);
    expect(s.startMs).toBe(buckets[0]!.t);
    expect(s.seconds).toEqual(buckets.map((b) => b.second));
    const whole = buckets.map((b) => b.spanMs === 1000);
    expect(s.attempts.filter((_, i) => whole[i])).toEqual(buckets.filter((b) => b.spanMs === 1000).map((b) => b.attempts));
    expect(s.ok.filter((_, i) => whole[i])).toEqual(buckets.filter((b) => b.spanMs === 1000).map((b) => b.ok));
    // The switchover's six reset errors.
    expect(s.errors.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Object.keys(s.errorsByClass)).toEqual(['reset']);
    expect(s.errorsByClass.reset).toEqual(s.errors);
    buckets.forEach((b, i) => {
      // The timeline's own p50/p99 come from the same histograms: equal to three significant digits.
      expect(s.latencyP50Ms[i]).toBeCloseTo(Number(b.latencyMs.p50.toPrecision(3)), 6);
      expect(s.latencyP99Ms[i]).toBeCloseTo(Number(b.latencyMs.p99.toPrecision(3)), 6);
      expect(s.latencyP95Ms[i]!).toBeGreaterThanOrEqual(s.latencyP50Ms[i]!);
      expect(s.latencyP95Ms[i]!).toBeLessThanOrEqual(s.latencyP99Ms[i]!);
      expect(s.lagP99Ms[i]).toBeCloseTo(Number(b.lagMs.p99.toPrecision(3)), 6);
    });
    expect(s.unreadable).toBe(0);
  });

  it('a last second cut short counts as a rate per second, not a drop', () => {
    const [a, b] = syntheticTimeline(2, 100, 1_000_000);
    const s = timelineSeries([a!, { ...b!, spanMs: 250, attempts: 25, ok: 25 }]);
    expect(s.attempts).toEqual([100, 100]);
  });

  it('a second without successes has no latency (a gap), not zero', () => {
    const [a] = syntheticTimeline(1, 100, 0);
    const s = timelineSeries([{ ...a!, ok: 0, latencyHistUs: encodeHistogram(newHistogram()) }]);
    expect(s.latencyP99Ms).toEqual([null]);
  });

  it('a run longer than maxPoints is merged into windows, percentiles from the merged histograms', () => {
    const buckets = syntheticTimeline(1000, 50, 5_000);
    const s = timelineSeries(buckets, { maxPoints: 300 });
    expect(s.pointSeconds).toBe(4);
    expect(s.seconds.length).toBe(250);
    expect(s.seconds.slice(0, 3)).toEqual([0, 4, 8]);
    expect(s.attempts[0]).toBe(50);
    const merged = mergeHistograms(buckets.slice(4, 8).map((b) => b.latencyHistUs));
    expect(s.latencyP95Ms[1]).toBe(Number((merged.getValueAtPercentile(95) / 1000).toPrecision(3)));
    // Second 300 had 37 errors: averaged over its 4-second window.
    expect(s.errors[75]).toBe(9.25);
  });
});

describe('run charts', () => {
  it('bands: the steps by name, the outage in red, on the load-relative axis; replication lag from its file', async () => {
    const data = await loadRunCharts(FIXTURE);
    const run = JSON.parse(await readFile(join(FIXTURE, 'run.json'), 'utf8')) as RunManifest;
    const steps = data.bands.filter((b) => b.kind === 'step');
    expect(steps.map((b) => b.label)).toEqual(run.steps.map((s) => s.name));
    const second = (iso: string) => (Date.parse(iso) - data.startMs) / 1000;
    expect(steps[1]!.from).toBeCloseTo(second(run.steps[1]!.startedAt), 3);
    const outages = data.bands.filter((b) => b.kind === 'outage');
    expect(outages).toHaveLength(1);
    expect(outages[0]!.from).toBeCloseTo(second(run.soak!.summary!.outages[0]!.start), 3);
    expect(outages[0]!.from).toBeGreaterThan(steps[1]!.from);
    expect(outages[0]!.to).toBeLessThan(steps[1]!.to);
    expect(data.replication).toHaveLength(1);
    expect(data.replication[0]!.slot).toBe(run.steps[1]!.details!.subscription);
    expect(data.replication[0]!.seconds.length).toBeGreaterThanOrEqual(2);
    expect(data.replication[0]!.seconds.every((x) => x >= steps[1]!.from && x <= steps[1]!.to + 1)).toBe(true);
    expect(data.endSeconds).toBeGreaterThanOrEqual(steps[2]!.to);
  });

  it('four JSON configurations with the bands, animation off, on one x range', async () => {
    const data = await loadRunCharts(FIXTURE);
    const charts = chartConfigs(data);
    expect(charts.map((c) => c.name)).toEqual(['throughput', 'latency', 'schedule-lag', 'replication-lag']);
    for (const c of charts) {
      expect(c.config, c.name).toBeDefined();
      expect(JSON.parse(JSON.stringify(c.config))).toEqual(c.config);
      expect(c.config!.options!.animation).toBe(false);
      expect(c.config!.options!.plugins!.cutoverBands).toMatchObject({ bands: data.bands });
      expect(c.config!.options!.scales!.x).toMatchObject({ type: 'linear', min: 0, max: data.endSeconds });
    }
    expect(charts[1]!.config!.data.datasets.map((d) => d.label)).toEqual(['p50', 'p95', 'p99']);
    expect(charts[0]!.config!.data.datasets.map((d) => d.label)).toEqual(['attempts', 'ok', 'errors (reset)']);
  });

  it('without replication-lag.ndjson the replication chart says there was nothing to chart; without a timeline, the others say no load ran', async () => {
    const dir = await fixtureCopy();
    await rm(join(dir, 'replication-lag.ndjson'));
    let html = chartsSectionHtml(await loadRunCharts(dir));
    expect(html).toContain('No replication to chart');
    expect(html).not.toContain('id="cutover-chart-replication-lag"');
    expect(html).toContain('id="cutover-chart-latency"');
    await rm(join(dir, 'timeline.ndjson'));
    html = chartsSectionHtml(await loadRunCharts(dir));
    expect(html.match(/No load ran/g)).toHaveLength(3);
    // Nothing to draw: no script at all, and no key to a time axis that is not there.
    expect(html).not.toContain('<script');
    expect(html).not.toContain('Time runs from');
    // Each empty chart is named by its subject only: no caption describing data that does not exist.
    expect(html).toContain('<figcaption>Replication lag</figcaption><p>No replication to chart');
  });

  it('the bands plugin labels time as elapsed m:ss and h:mm:ss', () => {
    const plugin = bandsPlugin() as unknown as { id: string; beforeInit(chart: unknown): void };
    expect(plugin.id).toBe('cutoverBands');
    const chart = { config: { options: {} as { scales: { x: { ticks: { callback(v: number): string } } } } } };
    plugin.beforeInit(chart);
    const label = chart.config.options.scales.x.ticks.callback;
    expect([0, 65, 600, 3725].map((v) => label(v))).toEqual(['0:00', '1:05', '10:00', '1:02:05']);
    const bytesChart = { config: { options: { plugins: { cutoverBands: { bands: [], bytes: true } } } as { scales?: { y: { ticks: { callback(v: number): string } } } } } };
    plugin.beforeInit(bytesChart);
    expect([0, 950, 1500, 16_777_216].map((v) => bytesChart.config.options.scales!.y.ticks.callback(v))).toEqual(['0 B', '950 B', '1.5 kB', '16.8 MB']);
  });

  it('time ticks fall on round amounts of time', () => {
    expect([10, 20, 90, 600, 3600, 86_400].map(tickStep)).toEqual([1, 2, 10, 60, 300, 7200]);
  });
});

describe('charts section', () => {
  it('a canvas per chart, Chart.js inlined, the configurations embedded; no network, no on* attributes', async () => {
    const data = await loadRunCharts(FIXTURE);
    const html = chartsSectionHtml(data);
    for (const name of ['throughput', 'latency', 'schedule-lag', 'replication-lag']) expect(html).toContain(`<canvas id="cutover-chart-${name}"`);
    expect(html).toContain('window.Chart=');
    expect(html).toContain(BANDS_PLUGIN_SOURCE);
    expect(html).not.toContain('sourceMappingURL');
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/\s(src|href)\s*=/i);
    expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
    expect(markup).not.toMatch(/<(link|img|iframe|object)\b/i);
    expect(embeddedCharts(html).map((c) => c.name)).toEqual(['throughput', 'latency', 'schedule-lag', 'replication-lag']);
    expect(embeddedCharts(html)).toEqual(JSON.parse(JSON.stringify(chartConfigs(data).map((c) => ({ name: c.name, config: c.config })))));
  });

  it('names from the run (a step named </script>, an error class with <!--) cannot break out of the embedded JSON', async () => {
    const dir = await tempDir();
    const evil = `</script><script>alert(1)</script><!-- "quotes" & 'more' \u2028`;
    const startMs = Date.UTC(2026, 0, 1);
    const buckets = syntheticTimeline(30, 10, startMs).map((b, i) => (i === 10 ? { ...b, errors: { [`x</script><!--`]: 2 } } : b));
    await writeFile(join(dir, 'timeline.ndjson'), buckets.map((b) => JSON.stringify(b)).join('\n') + '\n');
    await writeFile(join(dir, 'replication-lag.ndjson'), JSON.stringify({ t: startMs + 5000, at: '', lagBytes: 10, slot: evil }) + '\n');
    const run = manifest({ startMs, steps: [{ name: evil, from: 2, to: 20 }] });
    await writeFile(join(dir, 'run.json'), JSON.stringify(run));
    const html = chartsSectionHtml(await loadRunCharts(dir));
    // Exactly the section's own three scripts open and close.
    expect(html.match(/<script\b/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('alert(1)</script>');
    const charts = embeddedCharts(html);
    expect(charts[0]!.config.options.plugins.cutoverBands.bands[0]!.label).toBe(evil);
    expect(charts[0]!.config.data.datasets.map((d) => d.label)).toContain('errors (x</script><!--)');
    expect(scriptSafeJson({ a: '</script>' })).toBe('{"a":"\\u003c/script>"}');
  });

  it('a one-hour soak at 1,000/s: the section stays under 1.5 MB and is built in well under a second', async () => {
    const dir = await tempDir();
    const startMs = Date.UTC(2026, 0, 1);
    const buckets = syntheticTimeline(3600, 1000, startMs);
    await writeFile(join(dir, 'timeline.ndjson'), buckets.map((b) => JSON.stringify(b)).join('\n') + '\n');
    const lag = Array.from({ length: 600 }, (_, i) => JSON.stringify({ t: startMs + 1_200_000 + i * 1000, at: '', lagBytes: 1_000_000 - i * 1000, slot: 'cutover_bluegreen_1' }));
    await writeFile(join(dir, 'replication-lag.ndjson'), lag.join('\n') + '\n');
    await writeFile(join(dir, 'run.json'), JSON.stringify(manifest({ startMs, steps: [{ name: 'wait', from: 0, to: 1200 }, { name: 'logical blue/green', from: 1200, to: 1800 }, { name: 'wait', from: 1800, to: 3600 }] })));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const html = chartsSectionHtml(await loadRunCharts(dir));
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    // CPU time, not wall time: the machine running the tests may be busy with other work.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const bytes = Buffer.byteLength(html);
    expect(embeddedCharts(html)[1]!.config.data.datasets.map((d) => d.label)).toEqual(['p50', 'p95', 'p99']);
    expect(embeddedCharts(html)[0]!.config.data.datasets[0]!.label).toBe('attempts');
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
    expect(cpuMs).toBeLessThan(1000);
    console.log(`one-hour section: ${(bytes / 1024).toFixed(0)} KiB, ${cpuMs.toFixed(0)} ms of CPU (${ms.toFixed(0)} ms wall)`);
  });
});
