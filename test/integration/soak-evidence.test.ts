import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { renderRunDirectory } from '../../reports/render-run.js';
import { cleanEnv, onLoadRunning, runCli } from '../support/run-cli.js';
import { onlyRunDir, readRun } from '../support/run-dirs.js';

/**
 * No pass without evidence, and errors that carry their words, through the CLI as a user types
 * it: URLs without any connection option a user would not write (no sslmode).
 */

let server: LocalServer;
let url: string;
let work: string;
let env: NodeJS.ProcessEnv;

/** A role that owns its soak schema (so the soak's setup runs) but may not insert or update in it. */
const WEAK = { user: 'soak_noinsert', password: 'noinsert-pw', schema: 'noinsert' };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-soak-evidence-'));
  env = cleanEnv(work);
  server = await LocalServer.start({ version: '17', name: 'soak-evidence' });
  url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
  await using admin = await server.admin();
  await admin.query(`CREATE ROLE ${WEAK.user} LOGIN PASSWORD '${WEAK.password}'`);
  await admin.query(`GRANT CREATE ON DATABASE postgres TO ${WEAK.user}`);
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const weakUrl = () => `postgresql://${WEAK.user}:${WEAK.password}@127.0.0.1:${server.port}/postgres`;

/** Lets the weak role create its schema and tables with a first soak, then takes its writes away. */
async function weakSchemaWithoutWrites(): Promise<void> {
  const r = await runCli(['soak', '--db', weakUrl(), '--schema', WEAK.schema, '--rate', '20', '--duration', '300ms', '--min-success-ratio', '0', '--run-dir', join(work, 'weak-setup')], { env, cwd: work });
  expect(r.code, r.stderr).toBe(0);
  await using admin = await server.admin();
  // An owner's own privileges can be revoked: the DDL of the soak still runs, its writes do not.
  await admin.query(`REVOKE INSERT, UPDATE ON ${WEAK.schema}.events FROM ${WEAK.user}`);
}

describe('cutover soak: no pass without evidence', () => {
  it('exits 3 naming the connection error against a stopped server', async () => {
    const stopped = await LocalServer.start({ version: '17', name: 'soak-evidence-stopped' });
    const port = stopped.port;
    const password = stopped.password;
    await stopped.close();
    const runDir = join(work, 'stopped');
    const r = await runCli(['soak', '--db', `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, '--rate', '20', '--duration', '1s', '--run-dir', runDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/ECONNREFUSED|connection refused/i);
    expect(r.stdout).not.toMatch(/PASS/);
    const run = readRun(runDir);
    expect(run.verdict).toBe('error');
    expect(run.error?.message).toMatch(/ECONNREFUSED|connection refused/i);
  });

  it('a load that never succeeded (a role that cannot insert) exits 3 with "the load never succeeded" and the permission error, in run.json and the report', async () => {
    await weakSchemaWithoutWrites();
    const runDir = join(work, 'never');
    const r = await runCli(['soak', '--db', weakUrl(), '--schema', WEAK.schema, '--workload', 'writes-only', '--rate', '20', '--duration', '1s', '--run-dir', runDir], { env, cwd: work });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    // The progress line names the class the moment it is first seen, with its words.
    expect(r.stderr).toMatch(/cutover: soak: new error class permission-denied \(SQLSTATE 42501\): permission denied for table events/);
    expect(r.stdout).toMatch(/result: ERROR: no evidence to pass on: the load never succeeded: permission denied for table events/);
    expect(r.stdout).toMatch(/errors: \d+ failed attempts by class and message\n {2}permission-denied \d+\n {4}\d+× SQLSTATE 42501 permission denied for table events/);
    expect(r.stdout).not.toMatch(/PASS/);

    const run = readRun(runDir);
    expect(run.verdict).toBe('error');
    expect(run.soak?.evidence).toMatchObject({ passed: false, confirmed: 0, successRatio: 0 });
    expect(run.soak?.evidence?.reasons[0]).toMatch(/^the load never succeeded: permission denied for table events/);
    const sample = run.soak?.load?.errorMessages?.samples[0];
    expect(sample).toMatchObject({ errorClass: 'permission-denied', sqlState: '42501', message: 'permission denied for table events' });
    expect(sample?.count).toBe(run.soak?.load?.failed);
    expect(Date.parse(sample?.firstSeen ?? '')).toBeGreaterThan(0);

    // The report, re-rendered from the run directory alone, carries the words.
    await renderRunDirectory(runDir);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/data-verdict="error"/);
    expect(html).toContain('No evidence to pass on: the load never succeeded: permission denied for table events');
    expect(html).toMatch(/<code>permission-denied<\/code> ×\d+ <span class="error-message">42501: permission denied for table events<\/span>/);
  });

  it('a load whose writes all fail while its reads succeed exits 3: success ratio below the floor, no write confirmed', async () => {
    const runDir = join(work, 'reads-only');
    const r = await runCli(['soak', '--db', weakUrl(), '--schema', WEAK.schema, '--rate', '40', '--duration', '1500ms', '--json', '--run-dir', runDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cutover: no evidence to pass on: only [\d.]+% of the load's attempts succeeded outside outages \(floor 99%\): \d+ permission-denied: permission denied for table events; no ledgered write was confirmed/);
    const run = readRun(runDir);
    expect(run.verdict).toBe('error');
    expect(run.soak?.evidence?.successRatio).toBeLessThan(0.99);
    expect(run.soak?.evidence?.successRatio).toBeGreaterThan(0);
  });

  it('downtime above gate.maxDowntime (config file or --max-downtime) fails the gate, exit 1; the downtime is shown either way', async () => {
    const cwd = join(work, 'limit');
    await mkdir(cwd, { recursive: true });
    await writeFile(join(cwd, 'cutover.config.json'), JSON.stringify({ gate: { maxDowntime: '0ms' } }));
    const soak = (runDir: string, extra: string[] = []) =>
      runCli(['soak', '--db', url, '--rate', '50', '--duration', '3s', '--run-dir', runDir, ...extra], {
        env,
        cwd,
        // A restart in the middle of the load: an outage of some hundreds of milliseconds, then service again.
        onSpawn: onLoadRunning(() => void server.restart({ mode: 'fast' })),
      });
    const over = await soak(join(cwd, 'over'));
    expect(over.code, `${over.stdout}\n${over.stderr}`).toBe(1);
    expect(over.stdout).toMatch(/downtime: [\d,]+ ms in \d+ outages? \(.*\); limit 0 ms/);
    expect(over.stdout).toMatch(/result: FAIL: client downtime [\d,]+ ms is above the limit of 0 ms \(gate.maxDowntime\)/);
    const run = readRun(join(cwd, 'over'));
    expect(run.verdict).toBe('fail');
    expect(run.soak?.evidence?.passed).toBe(true);
    expect(run.soak?.downtimeLimit).toMatchObject({ maxDowntimeMs: 0, exceeded: true });
    expect(run.soak?.downtimeLimit?.downtimeMs).toBeGreaterThan(0);
    expect(readFileSync(join(cwd, 'over', 'report.html'), 'utf8')).toContain('The gate failed: client downtime');

    // The flag overrides the file: a generous limit passes the same fault.
    const within = await soak(join(cwd, 'within'), ['--max-downtime', '10s']);
    expect(within.code, `${within.stdout}\n${within.stderr}`).toBe(0);
    expect(within.stdout).toMatch(/; limit 10,000 ms\n/);
    expect(within.stdout).toMatch(/result: PASS/);
  });

  it('cutover run through external endpoints: a soak whose writes are all refused ends error (exit 3) with the permission error in run.json and the report', async () => {
    {
      await using admin = await server.admin();
      await admin.query(`CREATE DATABASE weakrun`);
      await admin.query(`GRANT CREATE ON DATABASE weakrun TO ${WEAK.user}`);
    }
    const weakRunUrl = `postgresql://${WEAK.user}:${WEAK.password}@127.0.0.1:${server.port}/weakrun`;
    // The scenario's soak writes to the schema `cutover`: the role owns it, then loses its writes.
    const setup = await runCli(['soak', '--db', weakRunUrl, '--rate', '20', '--duration', '300ms', '--run-dir', join(work, 'weakrun-setup')], { env, cwd: work });
    // The setup soak is there to create the schema as the role; on a loaded machine a 0.3 s soak may
    // lack the evidence to pass (exit 3), which is not what this test is about: the schema is.
    expect([0, 3], `${setup.stdout}\n${setup.stderr}`).toContain(setup.code);
    {
      await using db = await server.admin('weakrun');
      const owned = await db.query(`SELECT tableowner FROM pg_tables WHERE schemaname = 'cutover' AND tablename = 'events'`);
      expect(owned, `${setup.stdout}\n${setup.stderr}`).toEqual([{ tableowner: WEAK.user }]);
      await db.query(`REVOKE INSERT, UPDATE ON cutover.events FROM ${WEAK.user}`);
    }
    const file = join(work, 'weak.scenario.json');
    await writeFile(file, JSON.stringify({ name: 'weak-external', blue: { provider: 'external', url: weakRunUrl }, soak: { rate: 30 }, steps: [{ action: 'wait', duration: '1s' }] }));
    const runsDir = join(work, 'weak-runs');
    const r = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
    expect(r.stderr).toMatch(/cutover: soak: new error class permission-denied \(SQLSTATE 42501\): permission denied for table events/);
    expect(r.stdout).toMatch(/error: no evidence to pass on: .*permission denied for table events/);
    expect(r.stdout).toMatch(/verdict: error/);
    const runDir = onlyRunDir(runsDir);
    const run = readRun(runDir);
    expect(run.verdict).toBe('error');
    expect(run.soak?.evidence?.passed).toBe(false);
    expect(run.soak?.evidence?.reasons.join('; ')).toMatch(/no ledgered write was confirmed .*permission denied for table events/);
    expect(run.soak?.load?.errorMessages?.samples).toContainEqual(expect.objectContaining({ errorClass: 'permission-denied', sqlState: '42501', message: 'permission denied for table events' }));
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/data-verdict="error"/);
    expect(html).toContain('No evidence to pass on:');
  });

  it('a plain URL soak (no sslmode) with nothing wrong passes with its evidence recorded', async () => {
    const runDir = join(work, 'plain');
    const r = await runCli(['soak', '--db', url, '--rate', '20', '--duration', '2s', '--run-dir', runDir], { env, cwd: work });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/load: \d+ attempts .* \d+ ok, 0 failed/);
    expect(r.stdout).toMatch(/result: PASS/);
    const run = readRun(runDir);
    expect(run.soak?.evidence).toMatchObject({ passed: true, reasons: [], successRatio: 1, minSuccessRatio: 0.99 });
    expect(run.soak?.downtimeLimit).toBeUndefined();
  });
});
