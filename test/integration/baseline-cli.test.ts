import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { freePort } from '../../scenarios/providers/free-port.js';
import { cleanEnv, onStderr, runCli, ROOT } from '../support/run-cli.js';
import { readRun } from '../support/run-dirs.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import type { TimelineBucket } from '../../load/timeline-types.js';

/**
 * `cutover baseline` against one lab 17 server (pgbench is the lab's): built-in scripts in a
 * schema of their own with an A/A --against, and the ways a baseline fails: pgbench missing,
 * scripts pgbench or the server refuses, the server going away mid-baseline (last: it stops the server).
 */
const lab = labReady(17);
const fixture = (name: string) => join(ROOT, 'test', 'fixtures', 'baseline', name);

describe.skipIf(!lab)(`cutover baseline${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  let server: LocalServer;
  let url: string;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-baseline-test-'));
    env = cleanEnv(work);
    server = await startLabServer(17, { name: 'baseline-cli' });
    url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
  });

  afterAll(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses bad flags before connecting, naming the flag (exit 2)', async () => {
    const closed = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
    const cases: [string[], RegExp][] = [
      [['--duration', '2s'], /--rate N or --max: one is required/],
      [['--rate', '10', '--max'], /--rate and --max: expected one of them/],
      [['--max', '--engine', 'node'], /--max: the Node driver runs at a fixed rate only/],
      [['--rate', '10', '--engine', 'node', '--scale', '10'], /--scale: pgbench's scale .* applies under --engine pgbench only.*got --scale 10 with --engine node/],
      [['--rate', '10', '--duration', '1500ms'], /--duration: expected whole seconds .*got "1500ms"/],
      [['--rate', '10', '--pgbench', 'builtin:tpcc'], /--pgbench: expected builtin:tpcb-like, builtin:simple-update or builtin:select-only, got "builtin:tpcc"/],
      [['--rate', '10', '--pgbench', 'nowhere.sql'], /--pgbench: .*got "nowhere.sql" \(no such file\)/],
      [['--rate', '10', '--workload', 'nope'], /--workload: expected one of .*got "nope"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['baseline', '--db', closed, ...args], { env, cwd: work })));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    });
  });

  it('runs pgbench built-ins in its own schema, alternates a and b, writes each repeat\'s timeline and the report (exit 0)', { timeout: 60_000 }, async () => {
    // A table of the user's with pgbench's name: pgbench -i must never reach it.
    {
      await using db = await server.admin();
      await db.query('CREATE TABLE public.pgbench_accounts (aid int, note text)');
      await db.query(`INSERT INTO public.pgbench_accounts VALUES (1, 'the user''s row')`);
    }
    const runDir = join(work, 'aa');
    const r = await runCli(['baseline', '--db', url, '--against', url, '--pgbench', 'builtin:tpcb-like', '--scale', '2', '--rate', '100', '--duration', '1s', '--warmup', '0s', '--repeat', '2', '--pgbench-bin', labBindir(17), '--run-dir', runDir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/baseline [ab]\d \(\d\/4\)/g)).toEqual(['baseline a1 (1/4)', 'baseline b1 (2/4)', 'baseline a2 (3/4)', 'baseline b2 (4/4)']);
    expect(r.stdout).toMatch(/^a \(.*\): 2\/2 valid repeats; median of repeats: [\d.]+ tps, p50 [\d.]+ ms, p99 [\d.]+ ms$/m);
    const run = readRun(runDir);
    expect(run).toMatchObject({ kind: 'cutover.run', method: 'baseline', verdict: 'pass' });
    const b = run.baseline!;
    expect(b).toMatchObject({ engine: 'pgbench', workload: 'builtin:tpcb-like', scripts: ['builtin:tpcb-like'], rate: 100, repeat: 2, scale: 2, schema: 'cutover_baseline', valid: true });
    expect(b.engineVersion).toMatch(/^17\./);
    expect(b.repeats.map((x) => `${x.side}${x.index}`)).toEqual(['a1', 'b2', 'a3', 'b4']);
    let total = 0;
    for (const rep of b.repeats) {
      expect(rep).toMatchObject({ valid: true, errors: 0, abortedClients: 0, durationMs: 1000 });
      expect(rep.tps).toBeGreaterThan(50);
      expect(rep.latencyMs.p99).toBeGreaterThanOrEqual(rep.latencyMs.p50);
      expect(rep.lagMs).toBeDefined();
      const lines = readFileSync(join(runDir, rep.timeline), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineBucket);
      expect(lines.map((l) => l.second)).toEqual([0]);
      expect(lines[0]!.ok).toBe(rep.transactions);
      expect(Object.keys(lines[0]!.ops)).toEqual(['tpcb-like']);
      total += lines.length;
    }
    expect(readFileSync(join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n')).toHaveLength(total);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/<h2 id="baseline">Baseline<\/h2>[\s\S]*builtin:tpcb-like/);
    // Both sides and their comparison, as `cutover compare RUN` computes it.
    expect(html).toMatch(/<h3>A against B<\/h3>[\s\S]*latency p50<\/th>/);
    // No steps and no soak in a baseline run: no empty Steps or Outages sections.
    expect(html).not.toMatch(/id="steps"|id="windows"/);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).not.toContain('## Steps');
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/Every repeat of the baseline is valid \(4\)[\s\S]*## Baseline[\s\S]*\| a1 \| [\d.]+ \|[\s\S]*\| b1 \|[\s\S]*\| a2 \|[\s\S]*\| b2 \|/);
    {
      await using db = await server.admin();
      expect(await db.query(`SELECT note FROM public.pgbench_accounts`)).toEqual([{ note: "the user's row" }]);
      expect(await db.query(`SELECT count(*)::int AS n FROM cutover_baseline.pgbench_branches`)).toEqual([{ n: 2 }]);
    }
  });

  it('says pgbench is missing, leaves the run directory readable and marked invalid (exit 3)', async () => {
    const runDir = join(work, 'missing');
    const r = await runCli(['baseline', '--db', url, '--rate', '10', '--duration', '1s', '--run-dir', runDir], { env: { ...env, PATH: '/nonexistent', CUTOVER_LAB_DIR: join(work, 'no-lab') }, cwd: work });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/cutover: pgbench not found \(looked in .*PATH.*\): install PostgreSQL's client tools .* or pass --pgbench-bin PATH/);
    expect(readRun(runDir)).toMatchObject({ method: 'baseline', verdict: 'error', error: { message: expect.stringMatching(/pgbench not found/) }, baseline: { valid: false, repeats: [] } });
  });

  it('names a script pgbench cannot parse, and one whose SQL the server refuses, with pgbench\'s words (exit 2)', async () => {
    const [meta, sql] = await Promise.all(
      ['meta-syntax-error.sql', 'sql-syntax-error.sql'].map((f) =>
        runCli(['baseline', '--db', url, '--pgbench', fixture(f), '--rate', '10', '--duration', '1s', '--run-dir', join(work, f)], { env, cwd: work }),
      ),
    );
    expect(meta!.code, meta!.stderr).toBe(2);
    expect(meta!.stderr).toMatch(/--pgbench .*meta-syntax-error\.sql: pgbench cannot run this script: .*meta-syntax-error\.sql:2: syntax error in command "set"/);
    expect(sql!.code, sql!.stderr).toBe(2);
    expect(sql!.stderr).toMatch(/--pgbench .*sql-syntax-error\.sql: pgbench cannot run this script: .*syntax error at or near "SELEC"/);
    for (const f of ['meta-syntax-error.sql', 'sql-syntax-error.sql']) {
      const run = readRun(join(work, f));
      expect(run.verdict).toBe('error');
      expect(run.baseline).toMatchObject({ valid: false, repeats: [] });
    }
  });

  // Last: it stops the server.
  it('marks the baseline invalid when the server goes away mid-baseline (exit 3)', { timeout: 60_000 }, async () => {
    const runDir = join(work, 'gone');
    const r = await runCli(['baseline', '--db', url, '--pgbench', 'builtin:select-only', '--rate', '200', '--duration', '2s', '--warmup', '0s', '--repeat', '3', '--run-dir', runDir], {
      env,
      cwd: work,
      // Repeat 2 is under way once repeat 1's line is printed.
      onSpawn: onStderr('baseline a1 (1/3)', () => void server.stop('immediate')),
    });
    expect(r.code, r.stderr).toBe(3);
    const run = readRun(runDir);
    expect(run.verdict).toBe('error');
    expect(run.baseline?.valid).toBe(false);
    expect(run.baseline?.repeats[0]?.valid).toBe(true);
    expect(run.baseline?.repeats[1]).toMatchObject({ valid: false, invalidReason: expect.stringMatching(/client\(s\) aborted|connection|no transaction/) });
    expect(r.stderr).toMatch(/cutover: .*(went away|connection|invalid)/);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
  });
});
