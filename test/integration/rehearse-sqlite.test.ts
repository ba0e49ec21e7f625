import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../checks/finding.js';
import type { RunManifest } from '../../run/manifest.js';
import { findPgloader } from '../../scenarios/sqlite/pgloader-loader.js';
import { writeSampleSqlite } from '../../scenarios/sqlite/sample-database.js';
import { cleanEnv, ROOT, runCli } from '../support/run-cli.js';

/**
 * `cutover rehearse --from sqlite[:PATH]` as a user types it: a real SQLite file (cutover's sample
 * or one of the test's) moved into a real embedded PostgreSQL 17 by the built-in loader, pgloader
 * (when installed) or a user's copy script, validated, gated by the rollback matrix, and the soak
 * run on PostgreSQL after the load.
 */

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-rehearse-sqlite-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Findings {
  verdict: string;
  findings: (Finding & { gate?: string })[];
}

function runOf(runsDir: string): { dir: string; run: RunManifest; findings: Findings } {
  const [name, ...more] = readdirSync(runsDir);
  expect(more).toEqual([]);
  const dir = join(runsDir, name as string);
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunManifest;
  const findings = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as Findings;
  return { dir, run, findings };
}

const SOAK = ['--duration', '3s', '--rate', '20'];

describe('cutover rehearse --from sqlite', () => {
  it('moves the built-in sample with the built-in loader: zero differences, a pass, the soak on PostgreSQL after the load', async () => {
    const runsDir = join(work, 'builtin');
    const r = await runCli(['rehearse', '--from', 'sqlite', '--loader', 'builtin', '--scale', '0.2', ...SOAK, '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const { dir, run, findings } = runOf(runsDir);
    expect(run.verdict).toBe('pass');
    expect(run.method).toBe('sqlite');
    expect(run.source).toMatchObject({ engine: 'sqlite', sample: true });
    for (const file of ['source.sqlite', 'sqlite.snapshot.json', 'post.snapshot.json', 'findings.json', 'report.html', 'summary.md']) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(run.steps.map((s) => s.action)).toEqual(['sqlite-migrate', 'wait']);
    const [migrate, wait] = run.steps as [RunManifest['steps'][number], RunManifest['steps'][number]];
    // The application is stopped during the copy: no soak through the step, its duration is the freeze.
    expect(migrate).toMatchObject({ status: 'ok', downtimeMs: null, lost: null, details: { loader: 'builtin', writeFreeze: true } });
    expect(migrate.phases?.map((p) => p.name)).toEqual(['load', 'validate', 'rollback-matrix']);
    // The soak ran on PostgreSQL after the load and lost nothing.
    expect(wait).toMatchObject({ status: 'ok', lost: 0, unexpected: 0, duplicated: 0 });
    expect(run.soak?.summary?.confirmed).toBeGreaterThan(0);
    const data = run.data?.[0];
    expect(data).toMatchObject({ step: 1, source: 'blue', target: 'green', at: 'after-step' });
    expect(data?.result.outcome).toBe('equal');
    expect(data?.result.summary).toMatchObject({ different: 0, missing: 0, errors: 0 });
    expect(data?.result.tables.map((t) => t.table)).toEqual(['public.resource_tags', 'public.resources', 'public.tags', 'public.users']);
    expect(data?.result.notes?.join(' ')).toMatch(/resources_fts/);
    expect(run.migration?.step).toBe(1);
    expect(findings.findings.filter((f) => f.severity !== 'info').map((f) => f.id)).toEqual([]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Migration (rollback matrix)');
    expect(html).toMatch(/SQLite 3\.\d+\.\d+ → PostgreSQL 17\./);
    expect(html).toContain('write freeze');
  });

  it('gates a user copy script that drops a row, alters JSON, shifts a timestamp, orphans a key and leaves a NULL: each reported exactly, exit 1', async () => {
    const file = join(work, 'app.db');
    writeSampleSqlite(file, { resources: 400 });
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const runsDir = join(work, 'defects');
    const script = `${join(ROOT, 'node_modules/.bin/tsx')} ${join(ROOT, 'test/support/sqlite-defects-loader.ts')}`;
    const r = await runCli(['rehearse', '--from', `sqlite:app.db`, '--load-command', script, ...SOAK, '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(1);
    const { run, findings } = runOf(runsDir);
    expect(run.verdict).toBe('fail');
    expect(run.steps[0]).toMatchObject({ action: 'sqlite-migrate', status: 'ok', details: { loader: 'command', exitCode: 0 } });
    const byId = new Map(findings.findings.map((f) => [f.id, f]));
    // Data validation (test/support/sqlite-defects-loader.ts touched resources 7, 11, 13, 17): the dropped row missing, the four touched resources changed, localised to keys.
    expect(byId.get('data/public.resource_tags/missing')).toMatchObject({ severity: 'fail', details: { count: 1 } });
    const changed = byId.get('data/public.resources/changed');
    expect(changed).toMatchObject({ severity: 'fail', details: { count: 4 } });
    expect((changed?.details?.columns as string[]).sort()).toEqual(['created_at', 'owner_id', 'subjects', 'title']);
    expect((changed?.details?.keys as { id: string }[]).map((k) => k.id).sort()).toEqual(['7', '11', '13', '17'].sort());
    // The rollback matrix: one row of the table's is under 1% (warn), the orphan and the NULL fail.
    const rowCount = byId.get('migration/public.resource_tags/row-count');
    expect(rowCount?.severity).toBe('warn');
    const orphan = findings.findings.find((f) => f.id.startsWith('migration/public.resources/foreign-key'));
    expect(orphan).toMatchObject({ severity: 'fail' });
    expect(JSON.stringify(orphan?.details)).toContain('999999');
    expect(byId.get('migration/public.resources.title/nulls')).toMatchObject({ severity: 'fail' });
    // The user's file was never written.
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it.skipIf(!findPgloader())('moves the sample with pgloader by default and pins what pgloader 3.6.9 gets wrong (needs pgloader: scripts/pgloader.sh)', async () => {
    const runsDir = join(work, 'pgloader');
    // As a user types it: `auto` takes pgloader when it is installed.
    const r = await runCli(['rehearse', '--from', 'sqlite', '--scale', '0.1', ...SOAK, '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(1);
    const { run, findings } = runOf(runsDir);
    expect(run.verdict).toBe('fail');
    expect(run.steps[0]?.details?.loader).toMatch(/^pgloader 3\./);
    const byId = new Map(findings.findings.map((f) => [f.id, f]));
    // Its integer TIMESTAMP column (unix seconds) is read as a year: the COPY fails, the whole table is lost, pgloader exits 0.
    expect(byId.get('data/public.resources/missing')).toMatchObject({ severity: 'fail', details: { count: 500, sourceRows: 500, targetRows: 0 } });
    expect(byId.get('migration/public.resources/row-count')).toMatchObject({ severity: 'fail' });
    expect(byId.get('migration/public.resources/row-count')?.message).toMatch(/500 rows on SQLite, 0 on PostgreSQL: 100% mismatch/);
    // The tags of the lost resources are orphans on the target.
    expect(byId.get('migration/public.resource_tags/foreign-key/resource_id')?.severity).toBe('fail');
    // REAL becomes real (4 bytes): digits lost, said even where the rounded values compare equal.
    expect(byId.get('data/public.resources/type-lost')?.details).toMatchObject({ columns: [expect.objectContaining({ column: 'score', declared: 'REAL', targetType: 'real' })] });
    // The FTS5 index's shadow tables are copied as tables of the app.
    expect([...byId.keys()].filter((id) => /^data\/public\.resources_fts_\w+\/table-missing$/.test(id)).sort()).toEqual(
      ['config', 'data', 'docsize', 'idx'].map((s) => `data/public.resources_fts_${s}/table-missing`),
    );
    // The other tables arrive whole: their booleans, ISO datetimes and JSON are typed and equal.
    for (const table of ['users', 'tags', 'resource_tags']) expect([...byId.keys()].filter((id) => id.startsWith(`data/public.${table}/`) && byId.get(id)?.severity !== 'info')).toEqual([]);
  });

  it('refuses a path that does not exist and a file that is not SQLite before any server starts (exit 2)', async () => {
    const runsDir = join(work, 'refused');
    const missing = await runCli(['rehearse', '--from', 'sqlite:nope.db', '--runs-dir', runsDir], { env, cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from sqlite:nope\.db: no such file/);
    const text = join(work, 'notes.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(text, 'not a database\n'));
    const foreign = await runCli(['rehearse', '--from', `sqlite:${text}`, '--runs-dir', runsDir], { env, cwd: work });
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/not a SQLite database/);
    expect(existsSync(runsDir)).toBe(false);
    const loader = await runCli(['rehearse', '--loader', 'builtin', '--runs-dir', runsDir], { env, cwd: work });
    expect(loader.code).toBe(2);
    expect(loader.stderr).toMatch(/--loader: only for a move off SQLite/);
  });
});
