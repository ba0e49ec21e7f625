import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DiffReport } from '../../reports/diff-report.js';
import type { RunManifest } from '../../run/manifest.js';
import { loadScenarioFile } from '../../scenarios/scenario-file.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import type { ExtensionUpdateOutcome } from '../../scenarios/upgrade/extension-updates.js';
import { labBindir, labReady } from '../support/lab.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * Issue 19, item 5: the extension major update runbook as a scenario (pre-checks, the
 * extension-update step, post-checks, EXPLAIN baselines of the application's queries), run as a
 * user runs it: `cutover run` of the example with lab.env's variables, pgvector 0.6.2 -> 0.8.0 on
 * the lab's 17 (scripts/pgvector-releases.sh adds 0.6.2's install script next to 0.8.0).
 */

const EXAMPLE = 'scenarios/examples/extension-major-update.scenario.mjs';

/** Whether the lab's 17 offers pgvector 0.6.2 beside 0.8.0. */
function oldPgvector(): boolean {
  if (!labReady(17)) return false;
  const sharedir = execFileSync(join(labBindir(17), 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim();
  return existsSync(join(sharedir, 'extension', 'vector--0.6.2.sql'));
}
const ready = oldPgvector();

describe('the extension major update example', () => {
  it('parses, and its steps pass the rules before any server starts', async () => {
    const scenario = await loadScenarioFile(EXAMPLE);
    expect(scenario.name).toBe('extension-major-update');
    expect(scenario.setup).toEqual([{ sql: `CREATE EXTENSION vector VERSION '0.6.2'`, before: 'dataset' }]);
    expect(scenario.steps).toEqual([
      { action: 'extension-update', name: 'pgvector update', names: ['vector'] },
      { action: 'wait', name: 'soak on the new version', duration: '5s' },
    ]);
    expect((scenario.config?.explain?.queries ?? []).map((q) => q.name)).toEqual(['similar-notifications-cosine', 'embedding-norms']);
    // Without the lab's variables the example's bindir is Debian's layout, present or not: the rules pass either way.
    await expect(checkScenarioRules(scenario, EXAMPLE)).resolves.toBeUndefined();
  });

  it.skipIf(!ready)(`runs with cutover run: pgvector 0.6.2 -> 0.8.0 in one step row, what it added from the catalogs, the baselines unbroken${ready ? '' : ' (skipped: no lab 17 with pgvector 0.6.2, run scripts/lab.sh and scripts/pgvector-releases.sh)'}`, { timeout: 90_000 }, async () => {
    const home = await mkdtemp(join(tmpdir(), 'cutover-extmajor-'));
    try {
      const env = cleanEnv(home, { CUTOVER_LAB_PG17_BINDIR: labBindir(17) });
      const r = await runCli(['run', EXAMPLE, '--runs-dir', join(home, 'runs')], { env });
      const runDir = /report: (.*)\/report\.html/.exec(r.stdout + r.stderr)?.[1] ?? '';
      expect(runDir, r.stderr).not.toBe('');
      expect(r.code, r.stderr).toBe(0);
      const manifest = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunManifest;
      // warn: a baseline's measured time may grow on a machine shared with other work.
      expect(['pass', 'warn']).toContain(manifest.verdict);
      const [row] = manifest.steps;
      expect(manifest.steps.map((s) => [s.action, s.status, s.lost])).toEqual([
        ['extension-update', 'ok', 0],
        ['wait', 'ok', 0],
      ]);
      expect(manifest.soak?.summary?.confirmed).toBeGreaterThan(0);
      const [update] = row?.details?.extensions as ExtensionUpdateOutcome[];
      expect(update).toMatchObject({ database: 'app', extension: 'vector', before: '0.6.2', after: '0.8.0', outcome: 'updated' });
      // 0.7.0's types and 0.8.0's functions, nothing removed or changed: pgvector's updates only add.
      expect(update?.objects?.added).toEqual(expect.arrayContaining(['type public.halfvec', 'type public.sparsevec', 'operator class public.halfvec_l2_ops USING hnsw', 'function public.binary_quantize(public.vector)']));
      expect(update?.objects).toMatchObject({ removed: [], changed: [], renamed: [], indexes: [] });

      const report = JSON.parse(await readFile(join(runDir, 'findings.json'), 'utf8')) as DiffReport;
      const ids = report.findings.map((f) => `${f.severity} ${f.id}`);
      expect(ids).toEqual(expect.arrayContaining(['info extensions/upgraded:app:vector', 'info extensions.objects/added:app:vector']));
      // The dataset's HNSW and IVFFlat indexes stayed as they were; no baseline broke.
      expect(ids.filter((i) => /extensions\.objects\/index-|explain\.baselines\/(error|rejected)/.test(i))).toEqual([]);
      const post = JSON.parse(await readFile(join(runDir, 'post.snapshot.json'), 'utf8')) as { checks: Record<string, { data?: { baselines?: { name: string; status: string }[] } }> };
      const baselines = post.checks['explain.baselines']?.data?.baselines ?? [];
      expect(baselines.filter((b) => ['similar-notifications-cosine', 'embedding-norms', 'nearest-embeddings'].includes(b.name)).map((b) => b.status)).toEqual(['ok', 'ok', 'ok']);
      const html = await readFile(join(runDir, 'report.html'), 'utf8');
      expect(html).toContain('<section class="rs-section" id="extension-updates">');
      expect(html).toContain('<td class="mono">0.6.2 → 0.8.0</td>');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
