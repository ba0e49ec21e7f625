import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIo } from '../../cli/io.js';
import { CliRuntime } from '../../cli/runtime.js';
import { runCli } from '../../cli/run-cli.js';
import type { RunComparison } from '../../reports/compare/index.js';
import { syntheticSides, writeBaselineRun, type SideSpec } from './baseline-fixtures.js';

let work: string;
let aa: string;
let ab: string;
const side: SideSpec = { medianMs: 2, withinSd: 0.3, betweenSd: 0.05, tps: 120, seconds: 3 };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-compare-baseline-'));
  const same = syntheticSides(side, side, 21);
  aa = await writeBaselineRun(join(work, 'runs', 'aa'), same.record, same.buckets);
  const slower = syntheticSides(side, { ...side, medianMs: 4, tps: 60 }, 22);
  ab = await writeBaselineRun(join(work, 'runs', 'ab'), slower.record, slower.buckets);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function compare(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = createIo({ write: (s: string) => out.push(...s.split('\n').filter(Boolean)) }, { write: (s: string) => err.push(...s.split('\n').filter(Boolean)) }, { NO_COLOR: '1' });
  const runtime = new CliRuntime(io, { NO_COLOR: '1' }, work);
  const code = await runCli(['node', 'cutover', 'compare', ...args], runtime);
  return { code, out, err };
}

describe('cutover compare RUN (the two sides of one baseline run)', () => {
  it('A/A: prints each figure with its interval, no significant difference, the gate passes', async () => {
    const r = await compare(aa, '--max-latency-regression', '5%', '--no-html', '--json', 'aa.json');
    const text = r.out.join('\n');
    expect(text).toMatch(/baseline differences, B vs A \(95% over 3 figures together/);
    expect(text).toMatch(/latency p50 .* no significant difference/);
    expect(text).not.toMatch(/same directory/);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(work, 'aa.json'), 'utf8')) as RunComparison;
    expect(json.baseline?.metrics.map((m) => m.key)).toEqual(['p50', 'p99', 'tps']);
  });

  it('A/B: a doubled latency is significant, worse, and beyond the limit: exit 1; HTML shows the baselines', async () => {
    const r = await compare(ab, '--max-latency-regression', '10%', '--latency-percentile', 'p50', '--html', 'ab.html');
    const text = r.out.join('\n');
    if (process.env.SHOW_COMPARE) console.log(text);
    expect(text).toMatch(/latency p50 .*significant: higher \(worse\)/);
    expect(text).toMatch(/TPS .*significant: lower \(worse\)/);
    expect(text).toMatch(/FAIL compare\/latency-p50 +latency p50 \+\d+% .* significant and beyond --max-latency-regression 10%/);
    expect(r.code).toBe(1);
    const html = readFileSync(join(work, 'ab.html'), 'utf8');
    expect(html).toContain('<h2>Baselines</h2>');
    expect(html).toMatch(/significant: higher \(worse\)/);
  });

  it('A/B within a generous limit passes: significant alone does not fail the gate', async () => {
    const r = await compare(ab, '--max-latency-regression', '300%', '--no-html');
    expect(r.code).toBe(0);
  });

  it('bad --confidence and --bootstrap-iterations are usage errors naming the option (exit 2)', async () => {
    const c = await compare(aa, '--confidence', '95', '--no-html');
    expect(c.code).toBe(2);
    expect(c.err.join('\n')).toMatch(/--confidence: expected a level between 0 and 1 .* got "95"/);
    const i = await compare(aa, '--bootstrap-iterations', '10', '--no-html');
    expect(i.code).toBe(2);
    expect(i.err.join('\n')).toMatch(/--bootstrap-iterations: expected a whole number from 100/);
  });

  it("thresholds of the configuration (k6's shape) judge the changes: crossed only when significant, printed as ✓/✗ lines", async () => {
    const config = join(work, 'thresholds.json');
    await writeFile(config, JSON.stringify({ thresholds: { latency_change: ['p(99)<10%', 'p(50)<500%'], tps_change: ['value>-5%'] } }));
    const ab1 = await compare(ab, '--config', config, '--no-html');
    expect(ab1.out).toEqual(expect.arrayContaining(['thresholds:', '  latency_change', expect.stringMatching(/^ {2}✗ 'p\(99\)<10%' p\(99\)=\+\d+% \(B\/A .*, significant\)$/), expect.stringMatching(/^ {2}✓ 'p\(50\)<500%'/), '  tps_change', expect.stringMatching(/^ {2}✗ 'value>-5%' value=-[\d.]+%/)]));
    expect(ab1.code).toBe(1);
    const aa1 = await compare(aa, '--config', config, '--no-html');
    expect(aa1.out.filter((l) => l.includes("'"))).toEqual([expect.stringMatching(/^ {2}✓ 'p\(99\)<10%'/), expect.stringMatching(/^ {2}✓ 'p\(50\)<500%'/), expect.stringMatching(/^ {2}✓ 'value>-5%'/)]);
    expect(aa1.code).toBe(0);
    await writeFile(config, JSON.stringify({ thresholds: { latency_change: ['p(99)<10'] } }));
    const bad = await compare(aa, '--config', config, '--no-html');
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/thresholds.latency_change\[1\]": a change is a percentage of A, such as 'p\(99\)<10%', got 'p\(99\)<10'/);
  });

  it('one run with a one-sided baseline (no --against) is a usage error saying what to give instead (exit 2)', async () => {
    const one = syntheticSides(side, { ...side, repeats: 0 }, 23);
    const dir = await writeBaselineRun(join(work, 'runs', 'one'), one.record, one.buckets);
    const r = await compare(dir, '--no-html');
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/this run has only baseline\. Give two run directories instead: cutover compare RUN_A RUN_B/);
  });

  it('compares two baseline runs (each run\'s side a) with two arguments', async () => {
    const r = await compare(aa, ab, '--no-html');
    expect(r.out.join('\n')).toMatch(/A {2}\S*runs\/aa \(side a\)/);
    expect(r.code).toBe(0);
  });
});
