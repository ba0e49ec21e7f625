import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { compatRehearsal, type CompatResult } from '../../scenarios/compat/index.js';
import { localCluster } from '../../scenarios/topology/local-cluster.js';
import type { Finding } from '../../checks/finding.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * The compatibility rehearsal on real servers, with the fixtures of test/fixtures/compat/:
 * (a) a 15 schema that 17 refuses (pg_stat_bgwriter columns removed in 17), which
 * pg_upgrade --check lets through; (b) a Debian 15 schema using pgvector and a C function of
 * its library, rehearsed on an embedded 17 that has no pgvector; (c) a clean schema. Each
 * refusal must name its object. The target's tools are the lab's 17.
 */

const lab = findLab();
const lab15 = lab?.bindir(15);
const lab17 = lab?.bindir(17);

const fixture = (name: string) => readFileSync(new URL(`../fixtures/compat/${name}.sql`, import.meta.url), 'utf8');

async function seedDatabase(server: LocalServer, database: string, sql: string): Promise<void> {
  {
    await using admin = await server.admin();
    await admin.query(`CREATE DATABASE ${database}`);
  }
  await using db = await server.admin(database);
  await db.query(sql);
}

function byKey(result: CompatResult): Map<string, Finding> {
  return new Map(result.findings.map((f) => [f.key, f]));
}

describe.skipIf(!lab17)('compatibility rehearsal to 17 (skipped without the upgrade lab: its pg_dump 17 is needed)', () => {
  let source15: LocalServer;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-compat-test-'));
    source15 = await LocalServer.start({ version: '15', name: 'compat-source-15' });
    await seedDatabase(source15, 'removed', fixture('removed-in-17'));
    await seedDatabase(source15, 'clean', fixture('clean'));
  });
  afterAll(async () => {
    await source15?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('(a) names the view and the function 17 refuses, while pg_upgrade --check on a copy passes', async () => {
    const cluster = await localCluster({ role: 'blue', provider: 'embedded', server: source15, database: 'removed' });
    const result = await compatRehearsal({ source: source15.endpoint('removed'), targetMajor: 17, toolsBindir: lab17, sourceCluster: cluster, artifactDir: join(work, 'a') });
    expect(result.source).toMatchObject({ major: 15, version: '15.18' });
    expect(result.target).toMatchObject({ major: 17, server: 'bindir', toolsBindir: lab17 });
    const findings = byKey(result);
    expect(findings.get('view:monitoring.checkpoint_stats')).toMatchObject({
      id: 'compat.restore/view:monitoring.checkpoint_stats',
      severity: 'fail',
      object: 'monitoring.checkpoint_stats',
      details: { type: 'VIEW', schema: 'monitoring', name: 'checkpoint_stats', sqlState: '42703', error: 'column pg_stat_bgwriter.checkpoints_timed does not exist' },
    });
    expect(findings.get('function:monitoring.timed_checkpoints()')).toMatchObject({ severity: 'fail', details: { type: 'FUNCTION', sqlState: '42703' } });
    expect(findings.get('view:monitoring.checkpoint_ratio')?.details).toMatchObject({ sqlState: '42P01', causedBy: 'view:monitoring.checkpoint_stats' });
    // What 17 accepts is not reported.
    expect([...findings.keys()].filter((k) => k.includes('samples') || k.startsWith('schema:'))).toEqual([]);
    expect(result.failedEntries).toBe(3);
    // pg_upgrade --check does not look at view definitions: this is what the rehearsal adds.
    expect(result.pgUpgradeCheck).toMatchObject({ status: 'passed' });
    expect(readFileSync(result.pgUpgradeCheck!.outputFile!, 'utf8')).toMatch(/Clusters are compatible/);
    // The source is untouched and still serves.
    await using db = await source15.admin('removed');
    expect(await db.query(`SELECT count(*)::int AS n FROM monitoring.checkpoint_stats`)).toEqual([{ n: 1 }]);
  });

  it('(c) passes a clean schema with no findings, roles and owners included', async () => {
    const result = await compatRehearsal({ source: source15.endpoint('clean'), targetMajor: 17, toolsBindir: lab17 });
    expect(result.findings).toEqual([]);
    expect(result.entries).toBeGreaterThan(20);
    expect(result.roles).toBeGreaterThanOrEqual(3);
    expect(result.artifacts).toBeUndefined();
  });

  it('cutover compat exits 1 through the gate on (a), writing JSON, JUnit and Markdown, and 0 on (c)', async () => {
    const env = cleanEnv(work);
    const url = (db: string) => `postgresql://postgres:${source15.password}@127.0.0.1:${source15.port}/${db}`;
    const out = (name: string) => join(work, name);
    const failing = await runCli(['compat', '--db', url('removed'), '--to', '17', '--to-bindir', lab17!, '--json', out('a.json'), '--junit', out('a.xml'), '--md', out('a.md')], { env, cwd: work });
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/FAIL compat\.restore\/view:monitoring\.checkpoint_stats {2}VIEW monitoring\.checkpoint_stats does not restore on the target \[42703\]/);
    expect(failing.stdout).toMatch(/verdict: FAIL/);
    expect(failing.stdout + failing.stderr).not.toContain(source15.password);
    const json = JSON.parse(readFileSync(out('a.json'), 'utf8'));
    expect(json).toMatchObject({ kind: 'cutover.compat', verdict: 'fail', summary: { failedEntries: 3 }, source: { version: '15.18' } });
    expect(json.findings.filter((f: Finding & { gate: string }) => f.gate === 'failing').length).toBe(6);
    expect(readFileSync(out('a.xml'), 'utf8')).toContain('<testcase classname="compat.restore" name="VIEW monitoring.checkpoint_stats"');
    expect(readFileSync(out('a.md'), 'utf8')).toContain('## cutover compat: FAIL');

    const passing = await runCli(['compat', '--db', url('clean'), '--to', '17', '--to-bindir', lab17!], { env, cwd: work });
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/findings: 0 fail, 0 warn, 0 info/);
  });

  it('cutover compat refuses a bad --to before connecting (exit 2)', async () => {
    const result = await runCli(['compat', '--db', 'postgresql://nobody@127.0.0.1:1/x', '--to', 'seventeen'], { env: cleanEnv(work), cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to: expected a major version such as 17, got "seventeen"');
  });
});

describe.skipIf(!lab15 || !lab17)('compatibility rehearsal of a pgvector schema on an embedded 17 without pgvector (skipped without the upgrade lab)', () => {
  let source: LocalServer;

  beforeAll(async () => {
    source = await LocalServer.start({ bindir: lab15, name: 'compat-source-debian-15' });
    await seedDatabase(source, 'vectors', fixture('missing-library'));
  });
  afterAll(() => source?.close());

  it('(b) names the extension, the C function whose library is missing, and what follows from them', async () => {
    const result = await compatRehearsal({ source: source.endpoint('vectors'), targetMajor: 17, toolsBindir: lab17, targetServer: 'embedded' });
    expect(result.target).toMatchObject({ major: 17, server: 'embedded' });
    expect(result.target.serverBindir).not.toBe(lab17);
    const findings = byKey(result);
    expect(findings.get('extension:vector')).toMatchObject({
      severity: 'fail',
      object: 'vector',
      details: { type: 'EXTENSION', sqlState: '0A000', error: 'extension "vector" is not available', detail: expect.stringMatching(/vector\.control/) },
    });
    expect(findings.get('function:public.my_hnsw_handler(internal)')).toMatchObject({
      severity: 'fail',
      object: 'public.my_hnsw_handler(internal)',
      details: { type: 'FUNCTION', sqlState: '58P01', error: expect.stringMatching(/could not access file "\$libdir\/vector"/) },
    });
    expect(findings.get('table:public.documents')?.details).toMatchObject({ sqlState: '42704', causedBy: 'extension:vector' });
    expect(findings.get('index:public.documents_embedding_hnsw')?.details).toMatchObject({ causedBy: 'table:public.documents' });
    expect(result.findings.filter((f) => f.checkId === 'compat.roles')).toEqual([]);
  });

  it('reports a column option the target does not know, when the source sets one (Debian 15.20 sets pg_attver on every column)', async () => {
    await using db = await source.admin('vectors');
    const marked = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'public.documents'::regclass AND attnum > 0 AND array_to_string(attoptions, ',') LIKE 'pg_attver=%'`,
    );
    if (marked[0]?.n === 0) return; // a source without the option: nothing to report, nothing to assert
    await db.query(`CREATE TABLE public.plain_notes (id int PRIMARY KEY, body text)`);
    const result = await compatRehearsal({ source: source.endpoint('vectors'), targetMajor: 17, toolsBindir: lab17 });
    const notes = result.findings.filter((f) => f.object === 'public.plain_notes');
    expect(notes.map((f) => [f.key, f.details?.sqlState, f.details?.error])).toEqual([
      ['table:public.plain_notes', '22023', 'unrecognized parameter "pg_attver"'],
      ['table:public.plain_notes#2', '22023', 'unrecognized parameter "pg_attver"'],
    ]);
  });
});
