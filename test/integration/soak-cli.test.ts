import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { freePort } from '../../scenarios/providers/free-port.js';
import { cleanEnv, onLoadRunning, runCli } from '../support/run-cli.js';
import { readRun as manifest } from '../support/run-dirs.js';
import type { SoakSummary } from '../../load/analysis/soak-summary.js';

const CONTRACT_KEYS = ['attempts', 'confirmed', 'lost', 'recovered', 'notCommitted', 'failed', 'unexpected', 'duplicated', 'downtimeMs', 'resolutionMs', 'outages'];

let server: LocalServer;
let url: string;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-soak-test-'));
  env = cleanEnv(work);
  server = await LocalServer.start({ version: '17', name: 'soak-cli' });
  url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const json = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '') as SoakSummary;

describe('cutover soak', () => {
  it('refuses bad flags before connecting, naming the flag, what it expects and what it got (exit 2)', async () => {
    // Nothing listens on this port: a usage error must come first, or the exit code would be 3.
    const closed = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
    const cases: [string[], RegExp][] = [
      [['--duration', '5s'], /--rate: required/],
      [['--rate', '10'], /--duration: required/],
      [['--rate', '0', '--duration', '5s'], /--rate: expected attempts per second above 0 .*got "0"/],
      [['--rate', 'fast', '--duration', '5s'], /--rate: expected .*got "fast"/],
      [['--rate', '10', '--duration', '5 parsecs'], /--duration: expected a duration such as 30s, 5m, 1h or 500ms .*got "5 parsecs"/],
      [['--rate', '10', '--duration', '5s', '--workload', 'nope'], /--workload: expected one of .*notifications.*got "nope"/],
      [['--rate', '10', '--duration', '5s', '--driver', 'k6'], /--driver <name>' argument 'k6' is invalid\. Allowed choices are node/],
      [['--rate', '10', '--duration', '5s', '--schema', 'public'], /--schema: expected a schema of the soak's own .*got "public"/],
      [['--rate', '10', '--duration', '5s', '--connections', '2.5'], /--connections: expected a whole number above 0.*got "2.5"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['soak', '--db', closed, ...args], { env, cwd: work })));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.errLines, args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  });

  it('exits 3 when the database cannot be reached', async () => {
    const closed = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
    const r = await runCli(['soak', '--db', closed, '--rate', '10', '--duration', '1s', '--run-dir', join(work, 'unreachable')], { env, cwd: work });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cutover: .*(refused|connect)/i);
    expect(manifest(join(work, 'unreachable')).verdict).toBe('error');
  });

  it('runs a steady load, writes the run directory, prints the JSON contract and exits 0', async () => {
    const runDir = join(work, 'soak-ok');
    const r = await runCli(['soak', '--db', url, '--rate', '100', '--duration', '6s', '--json', '--run-dir', runDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const summary = json(r.stdout);
    expect(Object.keys(summary)).toEqual(CONTRACT_KEYS);
    expect(summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0, downtimeMs: 0, outages: [], resolutionMs: 10 });
    // About half the notifications workload is ledgered inserts: ~300 of 600 attempts.
    expect(summary.attempts).toBeGreaterThan(200);
    expect(summary.confirmed).toBe(summary.attempts);
    // Not a terminal: a plain progress line every 5 seconds.
    expect(r.stderr).toMatch(/cutover: soak 5 s: \d+\/s, [\d,]+ ok, 0 errors, p99 [\d.]+ ms, no outage/);

    const run = manifest(runDir);
    expect(run).toMatchObject({ kind: 'cutover.run', method: 'soak', verdict: 'pass' });
    expect(run.steps).toHaveLength(1);
    const step = run.steps[0]!;
    expect(step).toMatchObject({ name: 'soak', action: 'soak', status: 'ok', downtimeMs: 0, failedAttempts: 0, lost: 0, unexpected: 0, duplicated: 0 });
    expect(step.durationMs).toBe(Date.parse(step.endedAt) - Date.parse(step.startedAt));
    expect(step.durationMs).toBeGreaterThanOrEqual(5_900);
    expect(run.soak?.summary).toEqual(summary);
    expect(run.soak?.writers).toHaveLength(1);
    const ledgers = readdirSync(join(runDir, 'ledger'));
    expect(ledgers).toEqual([`writer-${run.soak!.writers[0]!.writerKey}.ledger`]);
    const seconds = readFileSync(join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n');
    expect(seconds.length).toBeGreaterThanOrEqual(6);
    expect(readFileSync(join(runDir, 'windows.ndjson'), 'utf8')).toMatch(/"kind":"end","lane":"driver"/);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);

    // The soak wrote to its own schema only.
    await using admin = await server.admin();
    const tables = await admin.query<{ t: string }>(
      `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1`,
    );
    expect(tables.map((x) => x.t)).toEqual(['cutover.events', 'cutover.writers']);
  });

  it('records a soak stopped by Ctrl-C as interrupted, with its planned and actual duration, not as a pass (exit 130)', async () => {
    const runDir = join(work, 'soak-interrupted');
    let sent = false;
    const r = await runCli(['soak', '--db', url, '--rate', '100', '--duration', '20s', '--run-dir', runDir], {
      env,
      cwd: work,
      onSpawn: onLoadRunning((child) => (sent = child.kill('SIGINT'))),
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const run = manifest(runDir);
    expect(run.verdict).toBe('interrupted');
    expect(run.interrupted).toMatchObject({ how: 'signal', signal: 'SIGINT', plannedDurationMs: 20_000 });
    expect(run.interrupted!.actualDurationMs).toBeGreaterThan(0);
    expect(run.interrupted!.actualDurationMs).toBeLessThan(15_000);
    expect(run.steps.map((st) => st.status)).toEqual(['interrupted']);
    // What it measured before the stop is still verified and kept.
    expect(run.soak?.summary?.lost).toBe(0);
    expect(r.stdout).toMatch(/result: INTERRUPTED: interrupted \(SIGINT\) after \d+\.\d s of the 20\.0 s planned; nothing lost/);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('data-verdict="interrupted"');
    expect(html).toMatch(/The run was interrupted \(SIGINT\) at [^:]+:\d\d:\d\d[.\d]* UTC: it ran \d+\.\d s of the 20\.0 s planned/);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/: INTERRUPTED/);
  });

  it('counts every ledgered attempt in a category: attempts that failed as the client was told are "failed"', async () => {
    const runDir = join(work, 'soak-refused');
    await using admin = await server.admin();
    await admin.query(`CREATE OR REPLACE FUNCTION public.refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'refused by the test'; END$$`);
    const steps: Promise<unknown>[] = [];
    const r = await runCli(['soak', '--db', url, '--rate', '100', '--duration', '4s', '--schema', 'cutover_refused', '--json', '--run-dir', runDir], {
      env,
      cwd: work,
      onSpawn: (child) => {
        let stderr = '';
        let refusing = false;
        let allowed = false;
        child.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString();
          // Inserts refused by the server for a moment: the client is told, nothing commits.
          if (stderr.includes('load running') && !refusing) {
            refusing = true;
            steps.push(admin.query('CREATE TRIGGER refuse BEFORE INSERT ON cutover_refused.events FOR EACH ROW EXECUTE FUNCTION public.refuse_insert()'));
          }
          if (stderr.includes('new error class') && !allowed) {
            allowed = true;
            steps.push(Promise.all(steps).then(() => admin.query('DROP TRIGGER refuse ON cutover_refused.events')));
          }
        });
      },
    });
    await Promise.all(steps);
    expect(r.code, r.stderr).toBe(0);
    const s = json(r.stdout);
    expect(Object.keys(s)).toEqual(CONTRACT_KEYS);
    expect(s.failed).toBeGreaterThan(0);
    expect(s.confirmed + s.lost + s.recovered + s.notCommitted + s.failed).toBe(s.attempts);

    const text = await runCli(['verify', '--run-dir', runDir, '--db', url], { env, cwd: work });
    expect(text.code, text.stderr).toBe(0);
    const line = /ledger: ([\d,]+) ledgered attempts: ([\d,]+) confirmed, 0 lost, ([\d,]+) recovered, ([\d,]+) not committed, ([\d,]+) failed as the client was told, 0 unexpected, 0 duplicated/.exec(text.stdout);
    expect(line, text.stdout).not.toBeNull();
    const [attempts, confirmed, recovered, notCommitted, failed] = line!.slice(1).map((x) => Number(x.replace(/,/g, '')));
    expect(failed).toBe(s.failed);
    expect(confirmed! + recovered! + notCommitted! + failed!).toBe(attempts);
  });

  it('reports a stall without errors (a table locked for a second) as a degraded window, not an outage', async () => {
    const runDir = join(work, 'soak-stall');
    let lockedFor: { start: number; end: number } | undefined;
    const r = await runCli(['soak', '--db', url, '--rate', '100', '--duration', '4s', '--timeout', '5s', '--degraded-threshold', '300ms', '--run-dir', runDir], {
      env,
      cwd: work,
      onSpawn: onLoadRunning(() => {
        lockedFor = { start: 0, end: 0 };
        void (async () => {
          // What a PgBouncer PAUSE looks like to clients: requests wait, none fails.
          await using locker = await server.admin();
          await locker.query('BEGIN');
          await locker.query('LOCK TABLE cutover.events IN ACCESS EXCLUSIVE MODE');
          lockedFor!.start = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          lockedFor!.end = Date.now();
          await locker.query('COMMIT');
        })();
      }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/downtime: 0 ms in 0 outages/);
    expect(r.stdout).toMatch(/degraded: [\d,]+ ms in 1 window slower than 300 ms without errors/);
    const [window] = manifest(runDir).soak!.downtime!.degraded;
    expect(window).toBeDefined();
    // The stall is the lock, to within the attempt interval and the time to drain what queued.
    expect(Math.abs(Date.parse(window!.start) - lockedFor!.start)).toBeLessThan(100);
    expect(window!.durationMs).toBeGreaterThan(700);
    expect(window!.durationMs).toBeLessThan(1_500);
    expect(window!.maxLatencyMs).toBeGreaterThan(900);
  });
});

describe('cutover verify', () => {
  it('re-verifies a run directory to the same figures, then reports each lost, duplicated and unexpected write (exit 1)', async () => {
    const runDir = join(work, 'soak-ok');
    const again = await runCli(['verify', '--run-dir', runDir, '--db', url, '--json'], { env, cwd: work });
    expect(again.code, again.stderr).toBe(0);
    expect(json(again.stdout)).toEqual(manifest(runDir).soak?.summary);

    const key = manifest(runDir).soak!.writers[0]!.writerKey;
    await using admin = await server.admin();
    const events = 'cutover.events';
    await admin.query(`DELETE FROM ${events} WHERE id = (SELECT min(id) FROM ${events} WHERE writer_key = $1)`, [key]);
    await admin.query(`INSERT INTO ${events} (id, writer_key, payload) SELECT id, writer_key, payload FROM ${events} WHERE id = (SELECT max(id) FROM ${events} WHERE writer_key = $1)`, [key]);
    await admin.query(`INSERT INTO ${events} (id, writer_key, payload) VALUES ($1::int8 * 4294967296 + 4000000000, $1, 'never attempted')`, [key]);

    const broken = await runCli(['verify', '--run-dir', runDir, '--db', url, '--json'], { env, cwd: work });
    expect(broken.code, broken.stderr).toBe(1);
    const s = json(broken.stdout);
    expect(Object.keys(s)).toEqual(CONTRACT_KEYS);
    expect(s).toMatchObject({ lost: 1, duplicated: 1, unexpected: 1, attempts: json(again.stdout).attempts });

    const text = await runCli(['verify', '--run-dir', runDir, '--db', url], { env, cwd: work });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/1 lost, .*1 unexpected, 1 duplicated/);
    expect(text.stdout).toMatch(/result: FAIL: 1 lost, 1 unexpected, 1 duplicated/);
  });

  it('reads the partial run directory of a soak killed with SIGKILL', async () => {
    const runDir = join(work, 'soak-killed');
    const r = await runCli(['soak', '--db', url, '--rate', '200', '--duration', '1m', '--run-dir', runDir], {
      env,
      cwd: work,
      // A second of load after the first successes, then the harness dies without a chance to clean up.
      onSpawn: onLoadRunning((child) => setTimeout(() => child.kill('SIGKILL'), 1_500).unref()),
    });
    expect(r.signal).toBe('SIGKILL');
    expect(manifest(runDir).verdict).toBe('running');

    // The report of the dead run says when the harness stopped and what it left, not "no soak ran".
    const report = await runCli(['report', runDir], { env, cwd: work });
    expect(report.code, report.stderr).toBe(3);
    const crashed = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(crashed).not.toMatch(/No soak ran in this run/);
    expect(crashed).toMatch(/The harness stopped at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \(the last thing it recorded\)/);
    expect(crashed).toMatch(/The timeline holds \d+ seconds? of load .*: [\d,]+ attempts, [\d,]+ ok/);
    expect(crashed).toMatch(/The ledger holds [\d,]+ ledgered attempts of 1 writer \(1 not closed\)/);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/The harness stopped at/);

    // Plain verify writes nothing to the run directory.
    const before = readFileSync(join(runDir, 'run.json'), 'utf8');
    const v = await runCli(['verify', '--run-dir', runDir, '--db', url], { env, cwd: work });
    expect(readFileSync(join(runDir, 'run.json'), 'utf8')).toBe(before);
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(v.stdout).toMatch(/partial run: 1 ledger not closed/);
    const ledgered = /ledger: ([\d,]+) ledgered attempts: ([\d,]+) confirmed, 0 lost/.exec(v.stdout);
    expect(ledgered, v.stdout).not.toBeNull();
    expect(Number(ledgered![2]!.replace(/,/g, ''))).toBeGreaterThan(100);

    // --record writes the verification into run.json and re-renders the report.
    const recorded = await runCli(['verify', '--run-dir', runDir, '--db', url, '--record', '--json'], { env, cwd: work });
    expect(recorded.code, recorded.stderr).toBe(0);
    const run = manifest(runDir);
    expect(run.verdict).toBe('interrupted');
    expect(run.interrupted).toMatchObject({ how: 'killed', plannedDurationMs: 60_000 });
    expect(run.interrupted!.actualDurationMs).toBeLessThan(60_000);
    expect(run.soak?.summary).toEqual(json(recorded.stdout));
    expect(run.steps.map((st) => st.status)).toEqual(['interrupted']);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('data-verdict="interrupted"');
    expect(html).toMatch(/The harness was killed; it last recorded something at .* UTC: it ran \d+\.\d s of the 60\.0 s planned/);
    expect(html).toMatch(/Downtime [\d,]+ ms in \d+ outage/);
  });

  it('refuses a directory that is not a run directory (exit 2)', async () => {
    const r = await runCli(['verify', '--run-dir', join(work, 'nothing-here'), '--db', url], { env, cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a readable run directory/);
  });
});
