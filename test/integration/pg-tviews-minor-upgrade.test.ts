import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PgTviewsData } from '../../checks/pg-tviews.js';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { acceptsConnections } from '../support/net.js';
import { pgTviewsDir, pgTviewsMissing } from '../support/lab.js';

/**
 * The runbook's pg_tviews minor upgrade, rehearsed with the real extension (0.1.0-beta.34, Rust/pgrx,
 * built by scripts/pg-tviews.sh for 16): embedded 16.4 -> embedded 16.14, both installations copies
 * of the npm packages with the build installed (blue's by the provider option `extensions`, the new
 * binaries' by the step's), pg_tviews preloaded, TVIEWs over the soak's own table (which it inserts
 * into and updates) and over a dataset table. 16 because both ends are embedded: neither depends on
 * what the lab's installations hold, and the "library missing" case is simply the new package as
 * npm ships it.
 */
const missing = pgTviewsMissing(16);
const build = pgTviewsDir(16);

interface Snapshot {
  checks: Record<string, { status: string; data?: unknown; reason?: string }>;
}
interface Finding {
  id: string;
  severity: string;
  message: string;
}

function scenario(name: string, step: Record<string, unknown>) {
  const pgTviews = { from: build, preload: true };
  return {
    name,
    blue: { provider: 'embedded', version: '16.4', extensions: [pgTviews] },
    dataset: { name: 'notifications', scale: 0.02 },
    setup: [
      'CREATE EXTENSION pg_tviews',
      `SELECT tviews.pg_tviews_create('public.tv_event', 'SELECT id AS pk_event, status, payload FROM cutover.events', '{}'::jsonb)`,
      `SELECT tviews.pg_tviews_create('public.tv_user', 'SELECT user_id AS pk_user, email FROM app.users', '{}'::jsonb)`,
    ],
    soak: { rate: 40 },
    config: { checks: { pgTviews: { refresh: true } } },
    steps: [{ action: 'wait', duration: '1s' }, step, { action: 'wait', duration: '1s', name: 'soak after' }],
  };
}

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-pg-tviews-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(name: string, step: Record<string, unknown>) {
  const file = join(work, `${name}.scenario.json`);
  await writeFile(file, JSON.stringify(scenario(name, step)));
  const runsDir = join(work, `runs-${name}`);
  const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
  const runDir = onlyRunDir(runsDir);
  const read = <T>(f: string) => JSON.parse(readFileSync(join(runDir, f), 'utf8')) as T;
  // No findings without post-checks (a writer that never came back).
  const findings = existsSync(join(runDir, 'findings.json')) ? read<Finding[] | { findings: Finding[] }>('findings.json') : [];
  return {
    result,
    run: readRun(runDir),
    pre: read<Snapshot>('pre.snapshot.json'),
    post: existsSync(join(runDir, 'post.snapshot.json')) ? read<Snapshot>('post.snapshot.json') : undefined,
    findings: (Array.isArray(findings) ? findings : findings.findings).filter((f) => f.id.startsWith('extensions.pg_tviews')),
  };
}

describe.skipIf(missing)(`pg_tviews minor upgrade 16.4 -> 16.14 with the real extension${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('with the library reinstalled into the new binaries: every pg_tviews check ok before and after, TVIEWs follow the soak, step row as any minor upgrade', { timeout: 60_000 }, async () => {
    const { result, run: manifest, pre, post, findings } = await run('tviews-ok', { action: 'minor-restart', to: '16.14', extensions: [{ from: build }] });
    expect(result.code, result.stderr).toBe(0);
    expect(['pass', 'warn']).toContain(manifest.verdict);
    const restart = manifest.steps[1]!;
    expect(restart).toMatchObject({ action: 'minor-restart', status: 'ok', lost: 0, unexpected: 0, duplicated: 0 });
    expect(restart.downtimeMs).toBeGreaterThan(0);
    expect(restart.details).toMatchObject({ from: '16.4', to: '16.14' });
    expect(restart.phases?.map((p) => p.name)).toEqual(['install', 'stop', 'start']);
    expect(manifest.soak?.summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });

    const tviews = (s: Snapshot | undefined) => {
      const check = s?.checks['extensions.pg_tviews'];
      expect(check?.status, JSON.stringify(check)).toBe('ok');
      const [db] = (check?.data as PgTviewsData).databases;
      return db!;
    };
    const before = tviews(pre);
    const after = tviews(post);
    for (const db of [before, after]) {
      // The version noted: the library's and the extension's, the same release.
      expect(db).toMatchObject({ database: 'app', generation: 2, libraryVersion: '0.1.0-beta.34', extensionVersion: '0.1.0-beta.34', unhealthy: [], problems: [] });
      expect(db.known?.map((r) => r.component)).toEqual(['jsonb_delta']);
      expect(db.registrations.map((r) => `${r.schema}.${r.name}`).sort()).toEqual(['public.tv_event', 'public.tv_user']);
      for (const r of db.registrations) {
        // Contents consistent with the base tables (counts, one snapshot); refresh works (rolled back).
        expect(r.rows, r.name ?? '').toBe(r.sourceRows);
        expect(r.contentsDiffer, r.name ?? '').toBe(false);
        expect(r.refresh).toMatchObject({ ok: true });
      }
    }
    const events = (db: typeof before) => db.registrations.find((r) => r.name === 'tv_event')!.rows!;
    // The soak's writes went through pg_tviews into the TVIEW, on both sides of the restart.
    expect(events(after)).toBeGreaterThan(events(before));
    expect(events(after)).toBeGreaterThanOrEqual(manifest.soak!.summary!.confirmed);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['extensions.pg_tviews/jsonb-delta:app', 'info']]);
  });

  it('with the library missing from the new binaries: the step fails before stopping blue, naming the library, pg_tviews and its TVIEWs', { timeout: 60_000 }, async () => {
    const { result, run: manifest, post } = await run('tviews-missing', { action: 'minor-restart', to: '16.14' });
    expect(result.code, result.stderr).toBe(1);
    expect(manifest.verdict).toBe('fail');
    expect(manifest.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped']);
    const failed = manifest.steps[1]!;
    expect(failed.error?.message).toMatch(/lack the library pg_tviews of shared_preload_libraries/);
    expect(failed.error?.message).toMatch(/extension pg_tviews library missing; TVIEWs affected: app\.public\.tv_event, app\.public\.tv_user/);
    expect(failed.error?.message).toMatch(/blue was not stopped/);
    // Blue kept serving: the soak lost nothing and had no outage, the post-checks ran on 16.4.
    expect(failed.downtimeMs).toBe(0);
    expect(manifest.endpoints.blue?.version).toBe('16.4');
    expect(post?.checks['extensions.pg_tviews']?.status).toBe('ok');
    expect(result.stdout).toMatch(/minor restart 16\.4 -> 16\.14: failed/);
    const kept = manifest.keptData?.blue;
    expect(await acceptsConnections(manifest.endpoints.blue!.port)).toBe(false);
    if (kept) await rm(dirname(kept), { recursive: true, force: true });
  });

  it('told to restart anyway (checkLibraries: false): blue does not start, and the step says the library is missing, naming pg_tviews and its TVIEWs', { timeout: 60_000 }, async () => {
    const { result, run: manifest } = await run('tviews-no-start', { action: 'minor-restart', to: '16.14', checkLibraries: false });
    expect(result.code, result.stderr).not.toBe(0);
    const failed = manifest.steps[1]!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/blue did not start on .* \(could not access file "pg_tviews"\)/);
    expect(failed.error?.message).toMatch(/extension pg_tviews library missing; TVIEWs affected: app\.public\.tv_event, app\.public\.tv_user/);
    expect(failed.phases?.map((p) => p.name)).toEqual(['stop', 'start']);
    const kept = manifest.keptData?.blue;
    if (kept) await rm(dirname(kept), { recursive: true, force: true });
  });
});
