import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../support/run-cli.js';
import type { RunComparison } from '../../reports/compare/index.js';

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-compare-test-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Rehearses the default logical upgrade from 15 to `to` with a short soak; returns its run directory. */
async function rehearse(to: string): Promise<string> {
  const runsDir = join(work, `runs-${to}`);
  const result = await runCli(['rehearse', '--from', '15', '--to', to, '--duration', '8s', '--runs-dir', runsDir], { env, cwd: work });
  expect(result.code, result.stderr).toBe(0);
  const dirs = readdirSync(runsDir);
  expect(dirs).toHaveLength(1);
  const dir = join(runsDir, dirs[0] as string);
  for (const file of ['run.json', 'timeline.ndjson', 'post.snapshot.json', 'findings.json']) expect(existsSync(join(dir, file)), file).toBe(true);
  return dir;
}

describe('cutover compare on two real rehearsals (15 -> 16 and 15 -> 17)', () => {
  it('shows the latency of both runs and their plans, writes the page, and exits by its gate', async () => {
    const to16 = await rehearse('16');
    const to17 = await rehearse('17');

    const html = join(work, 'compare.html');
    const json = join(work, 'compare.json');
    const plainRun = await runCli(['compare', to16, to17, '--html', html, '--json', json], { env, cwd: work });
    expect(plainRun.code, plainRun.stderr).toBe(0);
    const out = plainRun.stdout;
    // Both runs, with the versions each went to.
    expect(out).toMatch(/^A {2}.*logical 15\.\d+ -> 16\.\d+ {2,}verdict (pass|warn)/m);
    expect(out).toMatch(/^B {2}.*logical 15\.\d+ -> 17\.\d+ {2,}verdict (pass|warn)/m);
    // Every percentile of the whole soak, A and B side by side with B/A.
    for (const p of ['p50', 'p90', 'p95', 'p99', 'p99\\.9', 'max']) expect(out).toMatch(new RegExp(`^ {2}${p}\\s+[\\d.,]+\\s+[\\d.,]+\\s+[\\d.]+x$`, 'm'));
    expect(out).toMatch(/^ {2}schedule lag p99\s+[\d.,]+\s+[\d.,]+\s+[\d.]+x$/m);
    // Every step by number, the upgrade between the two waits included (it may last under a second).
    const byStep = out.slice(out.indexOf('by step, ms')).split('\n').slice(1, 4);
    expect(byStep.map((l) => l.trim().split(/\s{2,}/)[0]?.replace(/^(\d+\. \S+).*$/, '$1'))).toEqual(['1. wait', '2. logical', '3. wait']);
    // The default rehearsal explains six baselines in each run.
    expect(out).toMatch(/^plans: 6 compared, \d same shape, \d changed$/m);
    expect(out).toMatch(/^ {2}recent-notifications-of-a-user\s+(same|CHANGED)\s+[\d.]+\s+[\d.]+\s+[\d.]+x/m);
    expect(out).toMatch(/^gate: no limits set/m);
    expect(out).toMatch(/^verdict: PASS$/m);

    const page = readFileSync(html, 'utf8');
    const comparison = JSON.parse(readFileSync(json, 'utf8')) as RunComparison;
    expect(comparison.a.to).toMatch(/^16\.\d+$/);
    expect(comparison.b.to).toMatch(/^17\.\d+$/);
    expect(page).toContain(`${comparison.a.from} → ${comparison.a.to}`);
    expect(page).toContain(`${comparison.b.from} → ${comparison.b.to}`);
    expect(page).toContain('<h2>Plans</h2>');
    expect(page).toContain('recent-notifications-of-a-user');
    expect(page).not.toMatch(/<script|<[^>]*\s(src|href)=/);
    const soak = comparison.latency!.soak.latency;
    expect(soak.a.count).toBeGreaterThan(300);
    expect(soak.b.count).toBeGreaterThan(300);
    expect(comparison.plans.filter((p) => p.status === 'compared')).toHaveLength(6);

    // A 0% limit: whichever run has the higher p99 as B fails the gate; the other order passes.
    const forward = await runCli(['compare', to16, to17, '--max-latency-regression', '0%', '--no-html'], { env, cwd: work });
    const backward = await runCli(['compare', to17, to16, '--max-latency-regression', '0%', '--no-html'], { env, cwd: work });
    if (soak.a.p99 === soak.b.p99) {
      expect([forward.code, backward.code]).toEqual([0, 0]);
    } else {
      const [slower, faster] = soak.b.p99 > soak.a.p99 ? [forward, backward] : [backward, forward];
      expect(slower.code, slower.stderr).toBe(1);
      expect(slower.stdout).toMatch(/^ {2}FAIL compare\/latency-p99 {2}latency p99 rose .*, above --max-latency-regression 0%$/m);
      expect(slower.stdout).toMatch(/^verdict: FAIL$/m);
      expect(faster.code, faster.stderr).toBe(0);
    }

    // Generous limits pass.
    const generous = await runCli(
      ['compare', to16, to17, '--max-latency-regression', '10000%', '--max-throughput-drop', '50%', '--max-downtime-increase', '1m', '--no-html'],
      { env, cwd: work },
    );
    expect(generous.code, generous.stdout).toBe(0);
    expect(generous.stdout.match(/^ {2}ok {3}compare\//gm)).toHaveLength(3);

    // A directory that is not a run is bad input.
    const notARun = await runCli(['compare', to16, work, '--no-html'], { env, cwd: work });
    expect(notARun.code).toBe(2);
    expect(notARun.stderr).toMatch(/^cutover: RUN_B .*: no run.json in this directory/m);
  });
});
