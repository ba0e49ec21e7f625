import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIo } from '../../cli/io.js';
import { CliRuntime } from '../../cli/runtime.js';
import { runCli } from '../../cli/run-cli.js';
import { baseline, chain, finding, findingsOf, manifest, postSnapshot, step, steadySeconds, runInputs, writeRunDir } from './compare-fixtures.js';

let work: string;
let runA: string;
let runB: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-compare-cli-'));
  const steps = [step('wait 5 s', 'wait', 0, 5, { downtimeMs: 20 })];
  const plan = chain('Limit', { node: 'Index Scan', relation: 'notifications', index: 'by_user' });
  runA = await writeRunDir(
    join(work, 'runs', 'a'),
    runInputs('a', manifest('to16', '15.18', '16.14', steps), { timeline: steadySeconds(5, 2), post: postSnapshot('16.14', [baseline('q', plan, 10)]), findings: findingsOf([finding('server/version-major', 'info')]) }),
  );
  runB = await writeRunDir(
    join(work, 'runs', 'b'),
    runInputs('b', manifest('to17', '15.18', '17.10', steps), { timeline: steadySeconds(5, 3), post: postSnapshot('17.10', [baseline('q', plan, 10)]), findings: findingsOf([finding('server/version-major', 'info')]) }),
  );
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `cutover compare ...` in this process, in `work`, and collects its output. */
async function compare(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = createIo({ write: (s: string) => out.push(...s.split('\n').filter(Boolean)) }, { write: (s: string) => err.push(...s.split('\n').filter(Boolean)) }, { NO_COLOR: '1' });
  const runtime = new CliRuntime(io, { NO_COLOR: '1' }, work);
  const code = await runCli(['node', 'cutover', 'compare', ...args], runtime);
  return { code, out, err };
}

describe('cutover compare', () => {
  it('exits 0 with no limits and writes compare.html in the working directory by default', async () => {
    await rm(join(work, 'compare.html'), { force: true });
    const r = await compare(runA, runB);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out).toContain('verdict: PASS');
    expect(r.out).toContain('wrote compare.html');
    expect(readFileSync(join(work, 'compare.html'), 'utf8')).toContain('15.18 → 17.10');
  });

  it('exits 1 when a limit is exceeded, printing it as a failing line, and writes --json', async () => {
    const r = await compare(runA, runB, '--max-latency-regression', '20%', '--json', 'out.json', '--no-html');
    expect(r.code).toBe(1);
    expect(r.out).toContain('  FAIL compare/latency-p99  latency p99 rose 50% (2 ms -> 3 ms), above --max-latency-regression 20%');
    expect(r.out).toContain('verdict: FAIL');
    expect(r.out).toContain('wrote out.json');
    expect(r.out.some((l) => l.includes('.html'))).toBe(false);
    const json = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(json.gate.verdict).toBe('fail');
  });

  it('exits 0 within generous limits of every kind', async () => {
    const r = await compare(runA, runB, '--max-latency-regression', '60%', '--max-throughput-drop', '5%', '--max-downtime-increase', '500ms', '--fail-on-plan-change', '--fail-on-new-findings', 'warn', '--no-html');
    expect(r.code, r.out.join('\n')).toBe(0);
    expect(r.out.filter((l) => l.startsWith('  ok   compare/'))).toHaveLength(5);
  });

  it('exits 2 on a malformed flag, naming the option, what was expected and what was given, before reading anything', async () => {
    const r = await compare(join(work, 'nowhere'), runB, '--max-throughput-drop', 'five');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['cutover: --max-throughput-drop: expected a percentage of 0 or more such as 25% or 2.5%, got "five"']);
  });

  it('exits 2 for a directory that is not a run, naming which argument it was', async () => {
    await mkdir(join(work, 'empty'), { recursive: true });
    const empty = await compare(runA, join(work, 'empty'), '--no-html');
    expect(empty.code).toBe(2);
    expect(empty.err[0]).toMatch(/^cutover: RUN_B .*empty: no run.json in this directory: expected a run directory/);
    const missing = await compare(join(work, 'nowhere'), runB, '--no-html');
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^cutover: RUN_A .*nowhere: not a directory/);
    await writeFile(join(work, 'empty', 'run.json'), '{"kind":"something else"}');
    const foreign = await compare(runA, join(work, 'empty'), '--no-html');
    expect(foreign.code).toBe(2);
    expect(foreign.err[0]).toMatch(/^cutover: RUN_B .*run\.json: not a cutover run manifest/);
  });

  it('exits 2 for a malformed timeline, naming the file and line', async () => {
    const broken = join(work, 'runs', 'broken');
    await writeRunDir(broken, runInputs('broken', manifest('x', '15', '17', []), {}));
    await writeFile(join(broken, 'timeline.ndjson'), '{"t":1}\nnot json\n{"t":2}\n');
    const r = await compare(runA, broken, '--no-html');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^cutover: RUN_B .*timeline\.ndjson:2: not a timeline line/);
  });

  it('exits 2 when a limit needs a file a run lacks, and 2 for an output in a missing directory', async () => {
    const bare = await writeRunDir(join(work, 'runs', 'bare'), runInputs('bare', manifest('bare', '15', '17', []), {}));
    const r = await compare(runA, bare, '--max-latency-regression', '10%', '--no-html');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['cutover: --max-latency-regression: RUN_B has no timeline.ndjson, so this limit cannot be checked']);
    const out = await compare(runA, runB, '--html', join(work, 'no', 'such', 'dir', 'c.html'));
    expect(out.code).toBe(2);
    expect(out.err[0]).toMatch(/^cutover: --html .*: directory .* does not exist$/);
    expect(existsSync(join(work, 'no'))).toBe(false);
  });
});
