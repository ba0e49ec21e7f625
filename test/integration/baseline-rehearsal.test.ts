import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../support/run-scenario.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { labBindir, labReady } from '../support/lab.js';

/**
 * A 15 -> 17 rehearsal with a `baseline` section: the workload measured by pgbench on blue before
 * the steps and on the upgraded server after them, both in run.json and the report.
 */
const lab = labReady(15, 17);

describe.skipIf(!lab)(`rehearsal with a baseline${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  it('embedded 15 -> lab 17 pg-upgrade: baselines on blue before and on green after, in run.json and report.html', { timeout: 120_000 }, async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'cutover-baseline-rehearsal-'));
    try {
      const scenario = scenarioSchema.parse({
        name: 'baseline-15-17',
        blue: { provider: 'embedded', version: '15' },
        green: { provider: 'bindir', bindir: labBindir(17) },
        dataset: { name: 'notifications', scale: 0.1 },
        soak: false,
        baseline: { rate: 100, duration: '1s', warmup: '0s', repeat: 2 },
        steps: [{ action: 'pg-upgrade', mode: 'link' }],
        // k6-shaped thresholds apply to each baseline's own figures too (generous: they pass).
        config: { thresholds: { latency: ['p(99)<60000'], tps: ['value>1'] } },
      });
      const lines: string[] = [];
      const { manifest, runDir } = await runScenario(scenario, { runsDir, log: (l) => lines.push(l) });
      expect(manifest.error, lines.join('\n')).toBeUndefined();
      const { blue, green } = manifest.baselines ?? {};
      for (const [which, b] of [['blue', blue], ['green', green]] as const) {
        expect(b, which).toMatchObject({ engine: 'pgbench', workload: 'notifications', rate: 100, repeat: 2, valid: true });
        expect(b!.repeats).toHaveLength(2);
        for (const r of b!.repeats) {
          expect(r.timeline).toBe(`baseline/${which}/a-${r.index}.timeline.ndjson`);
          expect(existsSync(join(runDir, r.timeline))).toBe(true);
          expect(r.transactions).toBeGreaterThan(50);
        }
      }
      console.log(`rehearsal baselines: blue ${blue!.repeats.map((r) => `${r.tps.toFixed(1)} tps p50 ${r.latencyMs.p50} ms`).join(', ')}; green ${green!.repeats.map((r) => `${r.tps.toFixed(1)} tps p50 ${r.latencyMs.p50} ms`).join(', ')}`);
      expect(lines.some((l) => /^blue baseline a1 \(1\/2\)/.test(l))).toBe(true);
      expect(manifest.endpoints.writer?.version).toMatch(/^17\./);
      expect(green!.repeats[0]!.server).toBe(blue!.repeats[0]!.server.replace(/:\d+\//, green!.repeats[0]!.server.match(/:\d+\//)![0]));
      const html = await readFile(join(runDir, 'report.html'), 'utf8');
      expect(html).toMatch(/<h2 id="baseline">Baseline<\/h2>[\s\S]*<h3>Blue, before the steps<\/h3>[\s\S]*blue a1[\s\S]*<h3>Green, after the steps<\/h3>[\s\S]*green a1/);
      // And the comparison of the two, as `cutover compare RUN` computes it (reports/compare/run-baseline-html.ts).
      expect(html).toMatch(/<h3>Blue against green<\/h3>[\s\S]*latency p50<\/th>[\s\S]*(significant|no significant difference|not judged)/);
      expect(manifest.thresholds?.map((t) => `${t.scope} ${t.metric} ${t.threshold} ${t.passed}`).sort()).toEqual([
        'blue baseline latency p(99)<60000 true',
        'blue baseline tps value>1 true',
        'green baseline latency p(99)<60000 true',
        'green baseline tps value>1 true',
      ]);
      // The baseline's tables are gone: the post-checks never saw them.
      expect(JSON.stringify(JSON.parse(await readFile(join(runDir, 'post.snapshot.json'), 'utf8')))).not.toMatch(/cutover_baseline/);
    } finally {
      await rm(runsDir, { recursive: true, force: true });
    }
  });
});
