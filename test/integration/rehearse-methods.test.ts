import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { readSnapshot } from '../../checks/snapshot.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { rehearsalScenario, type RehearsalFlags } from '../../scenarios/runner/rehearsal-scenario.js';
import { runScenario } from '../support/run-scenario.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';

/**
 * The major-version methods as `cutover rehearse --method …` builds them, end to end with the soak
 * on: blue is the lab's PostgreSQL 15 with pgvector, so the seeded dataset has embeddings under
 * HNSW and IVFFlat indexes, and the post-checks on green must find them valid. Each run's step
 * table has measured downtime and zero lost writes, and its report is written.
 */

const lab = findLab();
const ready = Boolean(lab?.bindir(15) && lab.bindir(17) && lab.bindir(18));

type Case = Pick<RehearsalFlags, 'method' | 'from' | 'to' | 'mode' | 'switchover'> & { action: string };
const CASES: Case[] = [
  { method: 'pg-upgrade', from: '15', to: '17', mode: 'link', switchover: 'hard', action: 'pg-upgrade' },
  { method: 'pg-upgrade', from: '15', to: '17', mode: 'copy', switchover: 'hard', action: 'pg-upgrade' },
  { method: 'pg-upgrade', from: '15', to: '18', mode: 'link', switchover: 'hard', action: 'pg-upgrade' },
  { method: 'pg-upgrade', from: '15', to: '18', mode: 'copy', switchover: 'hard', action: 'pg-upgrade' },
  { method: 'dump-restore', from: '15', to: '18', mode: 'link', switchover: 'hard', action: 'dump-restore' },
];

describe.skipIf(!ready)(`rehearsals of every major method with pgvector${ready ? '' : ' (skipped: the upgrade lab with 15, 17 and 18 is not installed, run scripts/lab.sh)'}`, () => {
  for (const c of CASES) {
    const label = `${c.method}${c.method === 'pg-upgrade' ? ` --${c.mode}` : ''} ${c.from} -> ${c.to}`;
    it(`${label}: step ok, downtime measured, lost 0, pgvector indexes valid on green, report written`, { timeout: 150_000 }, async () => {
      const runsDir = await mkdtemp(join(tmpdir(), 'cutover-methods-'));
      try {
        const { scenario: input, targetMajor } = rehearsalScenario({ ...c, scale: 0.2, rate: 50, durationMs: 2_000 }, lab);
        const scenario = scenarioSchema.parse(input);
        const lines: string[] = [];
        const { runDir, manifest } = await runScenario(scenario, {
          runsDir,
          log: (l) => lines.push(l),
          method: c.method,
          config: resolveConfig({ upgrade: { targetMajor } }),
        });
        const step = manifest.steps.find((s) => s.action === c.action);
        console.log(
          `rehearse ${label}: ${step?.durationMs} ms (${step?.phases?.map((p) => `${p.name} ${p.durationMs}`).join(', ')}), ` +
            `downtime ${step?.downtimeMs} ms, failed attempts ${step?.failedAttempts}, lost ${step?.lost}; verdict ${manifest.verdict}`,
        );
        expect(manifest.error, lines.join('\n')).toBeUndefined();
        expect(step?.status, JSON.stringify(step)).toBe('ok');
        expect(step?.downtimeMs).toBeGreaterThan(0);
        expect(step?.lost).toBe(0);
        expect(step?.unexpected).toBe(0);
        expect(manifest.endpoints.writer?.version).toMatch(new RegExp(`^${c.to}\\.`));

        const post = await readSnapshot(join(runDir, 'post.snapshot.json'));
        const pgvector = post.checks['extensions.pgvector']?.data as { databases: { indexes: { index: string; method: string; valid: boolean; ready: boolean }[] }[] } | undefined;
        const indexes = (pgvector?.databases ?? []).flatMap((d) => d.indexes);
        expect(indexes.map((i) => i.method).sort()).toEqual(['hnsw', 'ivfflat']);
        expect(indexes.every((i) => i.valid && i.ready)).toBe(true);

        expect(existsSync(join(runDir, 'report.html'))).toBe(true);
        const html = await readFile(join(runDir, 'report.html'), 'utf8');
        expect(html).toContain(c.action);
      } finally {
        await rm(runsDir, { recursive: true, force: true });
      }
    });
  }
});
