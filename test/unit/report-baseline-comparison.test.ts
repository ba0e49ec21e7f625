import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRunDirectory } from '../../reports/render-run.js';
import { manifest } from './compare-fixtures.js';
import { record, syntheticSides } from './baseline-fixtures.js';
import { baselineChangeThresholds } from '../../reports/compare/baseline-change-thresholds.js';
import { parseThresholds } from '../../core/threshold-expression.js';
import type { RunManifest } from '../../run/manifest.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-report-baselines-'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a rehearsal's report", () => {
  it('shows the comparison of its blue and green baselines, as cutover compare RUN computes it', async () => {
    const { a, b, buckets } = syntheticSides({ medianMs: 2, tps: 100, seconds: 3 }, { medianMs: 5, tps: 100, seconds: 3 }, 9);
    const dir = join(work, 'rehearsal');
    await mkdir(join(dir, 'baseline'), { recursive: true });
    for (const [file, seconds] of buckets) await writeFile(join(dir, file), seconds.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const blue = record(a.repeats.map((r) => r.repeat));
    const green = record(b.repeats.map((r) => r.repeat));
    await writeFile(join(dir, 'run.json'), JSON.stringify(manifest('rehearsal', '15.18', '17.10', [], { baselines: { blue, green } })));
    await renderRunDirectory(dir);
    if (process.env.SHOW_HTML) console.log((await readFile(join(dir, 'report.html'), 'utf8')).split('Blue against green')[1]?.slice(0, 3000));
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Blue against green');
    expect(html).toMatch(/latency p50<\/th>[^]*?significant: higher \(worse\)/);
    // The rehearsal's change thresholds judge the same comparison.
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunManifest;
    const judged = await baselineChangeThresholds(dir, run, parseThresholds({ latency_change: ['p(90)<20%', 'p(50)<500%'], tps_change: ['value>-50%'], latency: ['p(99)<1'] }));
    expect(judged.map((r) => [r.scope, r.threshold, r.passed])).toEqual([
      ['blue vs green', 'p(90)<20%', false],
      ['blue vs green', 'p(50)<500%', true],
      ['blue vs green', 'value>-50%', true],
    ]);
  });
});
