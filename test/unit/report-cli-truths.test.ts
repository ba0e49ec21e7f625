import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIo } from '../../cli/io.js';
import { CliRuntime } from '../../cli/runtime.js';
import { runCli } from '../../cli/run-cli.js';
import { printRunResult } from '../../cli/run-action.js';
import { manifest, runInputs, steadySeconds, step, writeRunDir } from './compare-fixtures.js';

const SECTIONS = join(import.meta.dirname, '../fixtures/report-sections');

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-report-truths-'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs `cutover report DIR` in this process and returns what it wrote. */
async function report(dir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io = createIo({ write: (s: string) => out.push(s) }, { write: (s: string) => err.push(s) }, { NO_COLOR: '1' });
  const code = await runCli(['node', 'cutover', 'report', dir], new CliRuntime(io, { NO_COLOR: '1' }, work));
  return {
    code,
    err: err.join(''),
    html: readFileSync(join(dir, 'report.html'), 'utf8'),
    summary: readFileSync(join(dir, 'summary.md'), 'utf8'),
  };
}

/** A finished run of the logical method with one step and no soak, written under `work/name`. */
async function runDir(name: string, extra: Parameters<typeof manifest>[4] = {}): Promise<string> {
  return writeRunDir(join(work, name), runInputs(name, manifest(name, '15.18', '17.10', [step('wait 1 s', 'wait', 0, 1)], extra)));
}

describe('cutover report on a run directory with an unreadable input', () => {
  it('says findings.json is unreadable (invalid JSON), not that the run stopped before the post-checks', async () => {
    const dir = await runDir('broken-findings');
    await writeFile(join(dir, 'findings.json'), '{"kind": "cutover.findings", "findings": [');
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    for (const text of [r.html, r.summary]) {
      expect(text).toMatch(/findings\.json is unreadable: invalid JSON/);
      expect(text).not.toContain('post-checks');
    }
  });

  it('says a findings.json without its findings is malformed, naming what is missing', async () => {
    const dir = await runDir('malformed-findings');
    await writeFile(join(dir, 'findings.json'), JSON.stringify({ kind: 'cutover.findings', schemaVersion: 1 }));
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    expect(r.summary).toContain('findings.json is unreadable: malformed: "findings", "checks", "pre", "post", "summary", "gate" missing or of the wrong type');
    expect(r.html).toContain('findings.json is unreadable: malformed');
    expect(r.html).not.toContain('post-checks');
  });

  it('says a snapshot is unreadable, not that there is none, when the diff itself reads', async () => {
    const dir = await runDir('broken-post-snapshot');
    await copyFile(join(SECTIONS, 'findings.json'), join(dir, 'findings.json'));
    await copyFile(join(SECTIONS, 'pre.snapshot.json'), join(dir, 'pre.snapshot.json'));
    await writeFile(join(dir, 'post.snapshot.json'), JSON.stringify({ kind: 'cutover.snapshot', schemaVersion: 99 }));
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    expect(r.html).toContain('post.snapshot.json is unreadable: snapshot schema version 99 is not supported');
    expect(r.summary).toContain('post.snapshot.json is unreadable: snapshot schema version 99 is not supported');
    // Each section that needs the snapshot says why it is missing, and never "no snapshot".
    expect(r.html).toContain('After: snapshot unreadable: snapshot schema version 99');
    expect(r.html).not.toContain('After: no snapshot');
  });
});

describe('cutover report on a soak', () => {
  it('never says a soak stopped before the post-checks: a soak runs no checks', async () => {
    const dir = await runDir('soak', { method: 'soak' });
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    for (const text of [r.html, r.summary]) expect(text).not.toContain('post-checks');
    expect(r.html).toContain('A soak runs no checks, so there is no check diff.');
  });
});

describe('small truths of a run report', () => {
  it('counts the checks the way it lists them: no "N checks ran" over skipped ones, absent checks counted as not run', async () => {
    const dir = await runDir('no-findings');
    const findings = JSON.parse(readFileSync(join(SECTIONS, 'findings.json'), 'utf8')) as { findings: unknown[]; summary: { findings: Record<string, number> } };
    findings.findings = [];
    findings.summary.findings = { fail: 0, warn: 0, info: 0 };
    await writeFile(join(dir, 'findings.json'), JSON.stringify(findings));
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    // 13 checks listed: 3 skipped on both sides and upgrade.compat not run after, so 9 ok on both.
    expect(r.html).toContain('No findings: nothing that the checks compare changed. 13 checks without findings, 9 of them ok before and after.');
    expect(r.html.match(/<table class="cd-quiet">[\s\S]*?<\/table>/)?.[0].match(/<tr><td/g)).toHaveLength(13);
    expect(r.summary).toContain('| Checks | 10 ok, 3 skipped, 0 error | 9 ok, 3 skipped, 0 error, 1 not run |');
    expect(r.summary).toContain('- upgrade.compat: pre ok; post not run');
  });

  it('puts no data caption over "No replication to chart"', async () => {
    const dir = await writeRunDir(join(work, 'no-replication'), runInputs('no-replication', manifest('no-replication', '15.18', '17.10', [step('wait 5 s', 'wait', 0, 5)]), { timeline: steadySeconds(5, 2) }));
    const r = await report(dir);
    expect(r.code, r.err).toBe(0);
    const figure = r.html.match(/<figure class="chart chart-empty">(?:(?!<\/figure>)[\s\S])*No replication to chart(?:(?!<\/figure>)[\s\S])*<\/figure>/)?.[0];
    expect(figure).toBeDefined();
    expect(figure).toContain('<figcaption>Replication lag</figcaption>');
    expect(figure).not.toMatch(/subscription|sampled/);
  });
});

describe('the step lines of cutover run and cutover rehearse', () => {
  it('print a bare dash for the downtime of a run without a soak, never "— ms"', () => {
    const out: string[] = [];
    const io = createIo({ write: (s: string) => out.push(s) }, { write: () => true }, { NO_COLOR: '1' });
    const m = manifest('no-soak', '15.18', '17.10', [step('wait 1 s', 'wait', 0, 1, { downtimeMs: null, failedAttempts: null, lost: null, unexpected: null, duplicated: null })]);
    printRunResult(m, join(work, 'no-soak'), new CliRuntime(io, { NO_COLOR: '1' }, work));
    const text = out.join('');
    expect(text).toContain('wait 1 s: ok, 1000 ms, downtime —, failed attempts —');
    expect(text).not.toContain('— ms');
  });
});
