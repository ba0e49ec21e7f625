import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../../scenarios/scenario-file.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import { parseStep } from '../../scenarios/actions/registry.js';
import type { RunManifest } from '../../run/manifest.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { labReady, labBindir, pgTviewsDir, pgTviewsMissing } from '../support/lab.js';

/**
 * scenarios/examples/pg-tviews-minor-upgrade.scenario.mjs: embedded 15.18 -> a local 15 (the lab's
 * Debian 15.20) with pg_tviews 0.1.0-beta.20 in both installations. It always parses and plans;
 * it runs end to end where the 15 build exists (scripts/pg-tviews.sh 15).
 */
const EXAMPLE = 'scenarios/examples/pg-tviews-minor-upgrade.scenario.mjs';
const lab15 = labReady(15);
const newBindir = lab15 ? labBindir(15) : '/usr/lib/postgresql/15/bin';

let home: string;
let build: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cutover-pg-tviews-example-'));
  // What a build directory looks like to the scenario's checks (nothing is loaded when planning).
  build = join(home, 'pg_tviews-0.1.0-beta.20-pg15');
  await mkdir(join(build, 'lib'), { recursive: true });
  await mkdir(join(build, 'extension'));
  await writeFile(join(build, 'lib', 'pg_tviews.so'), '');
  await writeFile(join(build, 'extension', 'pg_tviews.control'), "default_version = '0.1.0-beta.20'\n");
  await writeFile(join(build, 'built-against'), 'PostgreSQL 15.20\n');
});
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('the pg_tviews minor-upgrade example', () => {
  it('says which variable it needs when the build directory is not given (exit 2)', async () => {
    const r = await runCli(['run', EXAMPLE, '--runs-dir', join(home, 'none')], { env: cleanEnv(home) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/CUTOVER_PG_TVIEWS_DIR: expected the directory of a pg_tviews build for PostgreSQL 15/);
  });

  it.skipIf(!existsSync(join(newBindir, 'postgres')))(`parses and plans: pg_tviews preloaded on blue and reinstalled by the minor restart${existsSync(join(newBindir, 'postgres')) ? '' : ' (skipped: no local PostgreSQL 15, run scripts/lab.sh)'}`, async () => {
    const saved = { ...process.env };
    process.env.CUTOVER_PG_TVIEWS_DIR = build;
    process.env.CUTOVER_LAB_PG15_BINDIR = newBindir;
    try {
      const scenario = await loadScenarioFile(EXAMPLE);
      expect(scenario.blue).toEqual({ provider: 'embedded', version: '15.18', extensions: [{ from: build, preload: true }] });
      expect(scenario.setup?.[0]).toBe('CREATE EXTENSION pg_tviews');
      expect(scenario.config).toMatchObject({ checks: { pgTviews: { refresh: true } } });
      const steps = scenario.steps.map((s, i) => parseStep(s, i));
      expect(steps.map((s) => s.definition.name)).toEqual(['wait', 'minor-restart', 'wait']);
      expect(steps[1]?.params).toMatchObject({ to: newBindir, extensions: [{ from: build, preload: true }], checkLibraries: true });
      await expect(checkScenarioRules(scenario)).resolves.toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  const missing = pgTviewsMissing(15) ?? (lab15 ? undefined : 'the upgrade lab has no PostgreSQL 15: run scripts/lab.sh');
  it.skipIf(missing)(`runs with cutover run: 15.18 -> 15.20, every pg_tviews check ok, the TVIEW fed by the soak${missing ? ` (skipped: ${missing})` : ''}`, { timeout: 60_000 }, async () => {
    const env = cleanEnv(home, { CUTOVER_PG_TVIEWS_DIR: pgTviewsDir(15), CUTOVER_LAB_PG15_BINDIR: newBindir });
    const r = await runCli(['run', EXAMPLE, '--runs-dir', join(home, 'runs')], { env });
    expect(r.code, r.stderr).toBe(0);
    const runDir = /report: (.*)\/report\.html/.exec(r.stdout + r.stderr)?.[1] ?? '';
    const manifest = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(manifest.steps.map((s) => [s.action, s.status])).toEqual([['wait', 'ok'], ['minor-restart', 'ok'], ['wait', 'ok']]);
    expect(manifest.steps[1]?.details).toMatchObject({ from: '15.18', to: '15.20' });
    const post = JSON.parse(await readFile(join(runDir, 'post.snapshot.json'), 'utf8')) as { checks: Record<string, { status: string; data: { databases: { registrations: { name: string; rows: number; sourceRows: number; refresh: { ok: boolean } }[] }[] } }> };
    const tview = post.checks['extensions.pg_tviews']?.data.databases[0]?.registrations[0];
    expect(tview).toMatchObject({ name: 'tv_event', refresh: { ok: true } });
    expect(tview?.rows).toBeGreaterThan(0);
    expect(tview?.rows).toBe(tview?.sourceRows);
  });
});
