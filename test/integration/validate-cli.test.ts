import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { createSleepyDatabase, interruptWhen, sleepingIn } from '../support/sleepy-table.js';
import { waitFor } from '../support/lab.js';
import type { ValidationResult } from '../../validate/result.js';

/**
 * `cutover validate` as a user types it, against an embedded server with two databases: the exit
 * codes of the gate (0 equal, 1 differences, 2 usage, 3 unreachable), the summary on stdout, the
 * --json file, and a pattern that matches nothing named on one line.
 */

let server: LocalServer;
let work: string;
let env: NodeJS.ProcessEnv;
const url = (db: string): string => `postgresql://postgres:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${db}`;
const cli = (args: string[]) => runCli(['validate', ...args], { env, cwd: work });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-validate-cli-'));
  env = cleanEnv(work);
  server = await LocalServer.start({ version: '17', name: 'validate-cli' });
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE a');
  {
    await using a = await server.admin('a');
    await a.query(`CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, placed timestamptz);
      INSERT INTO orders SELECT g, g * 1.5, timestamptz '2025-01-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 2000) g;
      CREATE SCHEMA cutover; CREATE TABLE cutover.ledger (id int)`);
  }
  await admin.query('CREATE DATABASE b TEMPLATE a');
  await using b = await server.admin('b');
  await b.query(`UPDATE orders SET total = 0 WHERE id = 42; INSERT INTO cutover.ledger VALUES (1)`);
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('cutover validate', () => {
  it('exits 0 on identical databases, skipping the soak schema', async () => {
    const r = await cli(['--source', url('a'), '--target', url('a')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}equal {5}public\.orders: 2000 rows on the source, 2000 on the target/m);
    expect(r.stdout).not.toMatch(/cutover\.ledger/);
    expect(r.stdout).toMatch(/^verdict: EQUAL$/m);
    expect(r.stdout).not.toContain(server.password);
  });

  it('exits 1 with the changed row, its column and both values, and writes --json', async () => {
    const json = join(work, 'result.json');
    const r = await cli(['--source', url('a'), '--target', url('b'), '--json', json]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/different public\.orders: 2000 rows on the source, 2000 on the target: 0 missing, 0 extra, 1 changed/);
    expect(r.stdout).toContain('    changed id=42: total: "63.0" -> "0"');
    expect(r.stdout).toMatch(/^verdict: DIFFERENT$/m);
    const written = JSON.parse(await readFile(json, 'utf8')) as ValidationResult;
    expect(written.tables[0]).toMatchObject({ table: 'public.orders', status: 'different', changed: 1, changedRows: [{ key: { id: '42' } }] });
    expect(JSON.stringify(written)).not.toContain(server.password);
  });

  it('exits 2 on a table pattern that matches nothing, a missing --target, a bad --jobs or --group-by', async () => {
    const r = await cli(['--source', url('a'), '--target', url('b'), '--tables', 'public.order']);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual(['cutover: table pattern "public.order" matches no table on either side']);
    const m = await cli(['--source', url('a')]);
    expect(m.code).toBe(2);
    expect(m.errLines[0]).toMatch(/--target: required/);
    const jobs = await cli(['--source', url('a'), '--target', url('b'), '--jobs', '0']);
    expect([jobs.code, jobs.errLines]).toEqual([2, ['cutover: --jobs: expected a whole number from 1 to 32, got "0"']]);
    const group = await cli(['--source', url('a'), '--target', url('b'), '--group-by', 'orders']);
    expect([group.code, group.errLines]).toEqual([2, ['cutover: --group-by: expected TABLE=COLUMN[,COLUMN...] (e.g. public.events=account_id,day), got "orders"']]);
  });

  it('exits 3 when a server cannot be reached', async () => {
    const r = await cli(['--source', url('a'), '--target', 'postgresql://postgres:x@127.0.0.1:1/b']);
    expect(r.code).toBe(3);
    expect(r.errLines[0]).toMatch(/^cutover: cannot connect to postgres@127\.0\.0\.1:1\/b/);
  });
});

describe('cutover validate interrupted', () => {
  it('on Ctrl-C mid-table, stops at once (the query in flight too), exits 130 and writes the partial results', async () => {
    const rls = await createSleepyDatabase(server, 'validate_rls', 'c');
    const json = join(work, 'interrupted.json');
    const started = Date.now();
    await using admin = await server.admin();
    const sleeping = sleepingIn(admin, `application_name = 'cutover validate'`);
    const r = await runCli(['validate', '--source', rls, '--target', rls, '--json', json], { env, cwd: work, onSpawn: interruptWhen(sleeping) });
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.errLines).toContain('cutover: validation stopped: interrupted (SIGINT) (partial results in ' + json + ')');
    const written = JSON.parse(await readFile(json, 'utf8')) as ValidationResult;
    expect(written.stopped).toMatchObject({ code: 'interrupted' });
    expect(written.tables.map((t) => [t.table, t.status, t.reason])).toEqual([
      ['public.fast', 'equal', undefined],
      ['public.slow', 'error', 'not compared: interrupted (SIGINT)'],
    ]);
    // The server noticed the closed connections and ended both sleeping queries.
    await waitFor(async () => !(await sleeping()), 'the sleeping queries to end', 10_000);
  });
});
