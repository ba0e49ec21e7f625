import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { readRun } from '../support/run-dirs.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import { buildComparison, NO_LIMITS, readBaselineSides, readRunInputs, type RunComparison } from '../../reports/compare/index.js';
import type { RunManifest } from '../../run/manifest.js';

/**
 * Acceptance of `cutover compare` on baselines, against one real lab PostgreSQL 17 server and its
 * pgbench (builtin:select-only at a fixed rate, 1-second repeats, the default 3 repeats a side):
 *
 * - A/A: 10 comparisons of the server against itself. One `cutover baseline --against` (the same
 *   URL) of 30 repeats a side, interleaved a1, b2, a3, b4, …; comparison i takes side a's repeats
 *   3i+1..3i+3 and side b's likewise, so every comparison has its own 3 + 3 repeats, never shared
 *   with another: independent comparisons from one pgbench run. At most 1 of 10 may be significant.
 * - A/B: the same database against a copy whose primary key (the index select-only looks rows up
 *   by) was dropped: reported significant, latency higher by a large factor, and the gate fails
 *   (exit 1) through the command line as a user types it.
 */
const lab = labReady(17);

describe.skipIf(!lab)(`cutover compare on real baselines${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  let server: LocalServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const url = (db: string) => `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/${db}`;
  const baseline = (args: string[]) => runCli(['baseline', '--pgbench', 'builtin:select-only', '--rate', '200', '--clients', '2', '--duration', '1s', '--warmup', '0s', '--pgbench-bin', labBindir(17), ...args], { env, cwd: work });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-compare-baseline-'));
    env = cleanEnv(work);
    server = await startLabServer(17, { name: 'compare-baseline' });
    await using db = await server.admin();
    await db.query('CREATE DATABASE app');
    await db.query('CREATE DATABASE app_noindex');
  });

  afterAll(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('A/A: 10 comparisons of the server against itself, independent repeats, at most 1 significant', { timeout: 150_000 }, async () => {
    const runDir = join(work, 'aa');
    const r = await baseline(['--db', url('app'), '--against', url('app'), '--scale', '1', '--repeat', '30', '--run-dir', runDir]);
    expect(r.code, r.stderr).toBe(0);
    const run = readRun(runDir);
    const repeats = run.baseline!.repeats;
    expect(repeats).toHaveLength(60);
    const significant: string[] = [];
    for (let i = 0; i < 10; i++) {
      // A run directory per comparison: the same manifest with 3 repeats of each side, timelines linked.
      const dir = join(work, `aa-${i + 1}`);
      await mkdir(dir);
      await symlink(join(runDir, 'baseline'), join(dir, 'baseline'));
      const pick = (side: 'a' | 'b') => repeats.filter((x) => x.side === side).slice(3 * i, 3 * i + 3);
      const manifest: RunManifest = { ...run, baseline: { ...run.baseline!, repeats: [...pick('a'), ...pick('b')].sort((x, y) => x.index - y.index) } };
      await writeFile(join(dir, 'run.json'), JSON.stringify(manifest));
      const inputs = await readRunInputs('RUN', dir);
      const c: RunComparison = buildComparison(inputs, inputs, NO_LIMITS, { baseline: await readBaselineSides(inputs), single: true });
      const judged = c.baseline!.metrics;
      expect(judged.every((m) => m.judged)).toBe(true);
      const line = judged.map((m) => `${m.label} ${m.stats!.ratio.toFixed(3)}x [${m.stats!.interval.low.toFixed(3)}, ${m.stats!.interval.high.toFixed(3)}]${m.significant ? ' SIGNIFICANT' : ''}`).join('; ');
      console.log(`A/A ${i + 1}: ${line}`);
      if (judged.some((m) => m.significant)) significant.push(`comparison ${i + 1}: ${line}`);
    }
    console.log(`A/A: ${significant.length} of 10 comparisons significant at 95% (rate ${(significant.length / 10).toFixed(1)})`);
    expect(significant.length, significant.join('\n')).toBeLessThanOrEqual(1);
  });

  it('A/B: the lookup index dropped on B is significant, latency far higher, and the gate fails (exit 1)', { timeout: 60_000 }, async () => {
    // B's tables first (pgbench -i in the baseline's schema), then its primary key dropped.
    const init = await baseline(['--db', url('app_noindex'), '--scale', '1', '--repeat', '1', '--run-dir', join(work, 'init-b')]);
    expect(init.code, init.stderr).toBe(0);
    {
      await using db = await server.admin('app_noindex');
      await db.query('ALTER TABLE cutover_baseline.pgbench_accounts DROP CONSTRAINT pgbench_accounts_pkey');
    }
    const runDir = join(work, 'ab');
    // A k6-shaped threshold in the configuration judges each side's own figures: B's p50 crosses it (exit 1).
    await writeFile(join(work, 'thresholds.json'), JSON.stringify({ thresholds: { latency: ['p(50)<2'] } }));
    const r = await baseline(['--db', url('app'), '--against', url('app_noindex'), '--rate', '100', '--config', 'thresholds.json', '--run-dir', runDir]);
    expect(r.stdout).toMatch(/^ {2}latency \(side a\)\n {2}✓ 'p\(50\)<2' p\(50\)=[\d.]+ms\n {2}latency \(side b\)\n {2}✗ 'p\(50\)<2' p\(50\)=[\d.]+ms$/m);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(readRun(runDir)).toMatchObject({ verdict: 'fail', thresholds: [{ scope: 'side a', passed: true }, { scope: 'side b', passed: false }] });
    // The gate on the median: a p99 of 1-second repeats at 100/s is the largest of a hundred transactions, and on a
    // shared machine one stall moves it tenfold between repeats (an honest comparison then calls p99 unresolvable).
    const c = await runCli(['compare', runDir, '--max-latency-regression', '25%', '--latency-percentile', 'p50', '--json', 'ab.json', '--no-html'], { env, cwd: work });
    console.log(c.stdout);
    expect(c.code, c.stderr).toBe(1);
    expect(c.stdout).toMatch(/latency p50 .* significant: higher \(worse\)/);
    expect(c.stdout).toMatch(/FAIL compare\/latency-p50 +latency p50 \+\d[\d,]*% .* significant and beyond --max-latency-regression 25%/);
    const json = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(work, 'ab.json'), 'utf8'))) as RunComparison;
    const p50 = json.baseline!.metrics.find((m) => m.key === 'p50')!;
    // A sequential scan of 100,000 rows against an index lookup: many times slower, the whole interval above 2x.
    expect(p50).toMatchObject({ significant: true, direction: 'higher', worse: true });
    expect(p50.b / p50.a).toBeGreaterThan(5);
    expect(p50.stats!.interval.low).toBeGreaterThan(2);
  });

  it("thresholds judge a soak's figures: printed as k6 prints them, kept in run.json, exit 1 when crossed", { timeout: 30_000 }, async () => {
    // The configuration found in the working directory, as a user keeps it beside their runs.
    const cwd = join(work, 'soak-project');
    await mkdir(cwd);
    await writeFile(join(cwd, 'cutover.config.json'), JSON.stringify({ thresholds: { latency: ['p(99)<0.001', 'max<60000'], errors: ['rate<0.5'], tps: ['value>1'] } }));
    const runDir = join(work, 'soak');
    const r = await runCli(['soak', '--db', url('app'), '--rate', '20', '--duration', '2s', '--run-dir', runDir], { env, cwd });
    expect(r.stdout).toMatch(/^thresholds:\n {2}latency\n {2}✗ 'p\(99\)<0.001' p\(99\)=[\d.]+ms\n {2}✓ 'max<60000' max=[\d.]+ms\n {2}errors\n {2}✓ 'rate<0.5' rate=0%\n {2}tps\n {2}✓ 'value>1' value=[\d.]+\/s$/m);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(readRun(runDir)).toMatchObject({ verdict: 'fail', thresholds: [{ threshold: 'p(99)<0.001', passed: false }, { passed: true }, { passed: true }, { passed: true }] });
  });
});
