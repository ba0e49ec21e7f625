import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../core/config.js';
import { finishRun } from '../../reports/finish-run.js';
import type { RunManifest } from '../../run/manifest.js';
import type { SoakRecord } from '../../load/soak-record.js';
import { manifest, steadySeconds } from './compare-fixtures.js';
import { record, syntheticSides } from './baseline-fixtures.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-finish-thresholds-'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a rehearsal closed with thresholds in its configuration', () => {
  it("judges its soak's timeline, each baseline, and blue vs green; a crossed threshold fails the run", async () => {
    const dir = join(work, 'run');
    await mkdir(join(dir, 'baseline'), { recursive: true });
    await writeFile(join(dir, 'timeline.ndjson'), steadySeconds(3, 4).map((b) => JSON.stringify(b)).join('\n') + '\n');
    const { a, b, buckets } = syntheticSides({ medianMs: 2, tps: 100, seconds: 3 }, { medianMs: 6, tps: 100, seconds: 3 }, 4);
    for (const [file, seconds] of buckets) await writeFile(join(dir, file), seconds.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const m: RunManifest = manifest('rehearsal', '15.18', '17.10', [], {
      // A soak record as a rehearsal writes it before the load's figures come in.
      soak: { driver: 'node', workload: 'notifications', schema: 'cutover', rate: 100, plannedDurationMs: null, timeoutMs: 5000, degradedThresholdMs: 500, lanes: { driver: { intervalMs: 10 } }, writers: [] } satisfies SoakRecord,
      baselines: { blue: record(a.repeats.map((r) => r.repeat)), green: record(b.repeats.map((r) => r.repeat)) },
    });
    const config = resolveConfig({ thresholds: { latency: ['p(99)<10'], latency_change: ['p(50)<50%'] } });
    await finishRun({ runDir: dir, manifest: m, started: Date.now(), config });
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunManifest;
    expect(run.thresholds?.map((t) => [t.scope ?? '', t.threshold, t.passed])).toEqual([
      ['', 'p(99)<10', true],
      // The absolute thresholds judge each baseline's own figures too (green's median is 6 ms).
      ['blue baseline', 'p(99)<10', true],
      ['green baseline', 'p(99)<10', false],
      ['blue vs green', 'p(50)<50%', false],
    ]);
    expect(run.verdict, JSON.stringify(run.error)).toBe('fail');
  });
});
