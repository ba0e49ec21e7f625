import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../support/run-scenario.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { labBindir, labReady } from '../support/lab.js';

/**
 * pg-upgrade end to end through the runner with the soak on: an embedded 15 blue (old bindir
 * assembled with the lab's Debian 15 tools) upgraded by link to the lab's 17 while the load runs
 * through the endpoint switch; the step table has the downtime, and no acknowledged write is lost.
 */

const lab = labReady(15, 17);

describe.skipIf(!lab)(`runScenario with pg-upgrade${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  it('embedded 15 -> lab 17 --link with the soak on: step ok, downtime measured, lost 0', { timeout: 110_000 }, async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'cutover-pgu-run-'));
    try {
      const scenario = scenarioSchema.parse({
        name: 'pgu-e2e',
        blue: { provider: 'embedded', version: '15' },
        green: { provider: 'bindir', bindir: labBindir(17) },
        dataset: { name: 'notifications', scale: 0.1 },
        soak: { rate: 50 },
        steps: [{ action: 'wait', duration: '1s' }, { action: 'pg-upgrade', mode: 'link' }, { action: 'wait', duration: '1s', name: 'soak after' }],
      });
      const lines: string[] = [];
      const { manifest } = await runScenario(scenario, { runsDir, log: (l) => lines.push(l) });
      const step = manifest.steps[1];
      console.log(
        `runScenario pg-upgrade embedded 15 -> 17 --link: ${step?.durationMs} ms (${step?.phases?.map((p) => `${p.name} ${p.durationMs}`).join(', ')}), ` +
          `downtime ${step?.downtimeMs} ms, failed attempts ${step?.failedAttempts}, lost ${step?.lost}; verdict ${manifest.verdict}`,
      );
      expect(manifest.error, lines.join('\n')).toBeUndefined();
      expect(manifest.steps.map((s) => [s.action, s.status])).toEqual([
        ['wait', 'ok'],
        ['pg-upgrade', 'ok'],
        ['wait', 'ok'],
      ]);
      expect(step?.downtimeMs).toBeGreaterThan(0);
      expect(step?.lost).toBe(0);
      expect(step?.details).toMatchObject({ mode: 'link', from: '15.18', to: expect.stringMatching(/^17\./) });
      expect(manifest.endpoints.writer?.version).toMatch(/^17\./);
    } finally {
      await rm(runsDir, { recursive: true, force: true });
    }
  });
});
