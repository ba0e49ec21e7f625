import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunManifest } from '../../run/manifest.js';
import type { ValidationResult } from '../../validate/result.js';
import { dataFindings } from '../../validate/data-findings.js';
import { buildValidateReport, validateExitCode } from '../../reports/validate-report.js';
import { renderValidateHtml, renderValidateJson, renderValidateJunit, renderValidateMarkdown } from '../../reports/validate-render.js';
import { renderRunDirectory } from '../../reports/render-run.js';
import { changedValuesHtml } from '../../reports/data-value-html.js';
import { ValidateProgress, PLAIN_PROGRESS_MS } from '../../cli/validate-action.js';

/**
 * Data validation's outputs without a database: the `data/*` findings and their gate, the exit
 * codes, the standalone HTML, JUnit and Markdown, and the run report's Data section rendered from
 * a hand-made run directory (test/fixtures/runs/data-validation: one validation at the
 * switchover with every kind of difference, one equal just after it).
 */

const FIXTURE = fileURLToPath(new URL('../fixtures/runs/data-validation', import.meta.url));
const RUN = JSON.parse(readFileSync(join(FIXTURE, 'run.json'), 'utf8')) as RunManifest;
const DIFFERENT = RUN.data![0]!.result;
const EQUAL = RUN.data![1]!.result;
const POLICY = { failOn: ['fail' as const], allow: [] };

const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fixtureCopy(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cutover-validate-report-'));
  dirs.push(d);
  await cp(FIXTURE, d, { recursive: true });
  return d;
}

describe('data/* findings', () => {
  it('gives one finding per kind of difference of each table, with its severity, count and first keys', () => {
    const findings = dataFindings(DIFFERENT);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['data/public.audit/table-missing', 'fail'],
      ['data/public.customers/schema-note', 'info'],
      ['data/public.events/extra', 'fail'],
      ['data/public.events/not-localised', 'info'],
      ['data/public.orders/missing', 'fail'],
      ['data/public.orders/extra', 'fail'],
      ['data/public.orders/changed', 'fail'],
      ['data/public.secret/error', 'fail'],
    ]);
    const changed = findings.find((f) => f.id === 'data/public.orders/changed')!;
    expect(changed).toMatchObject({ checkId: 'data', object: 'public.orders', details: { count: 3, columns: ['note', 'total', 'ratio', 'comment', 'body'] } });
    expect(changed.details?.keys).toEqual([{ id: '42' }, { id: '43' }, { id: '44' }]);
    expect(findings.find((f) => f.id === 'data/public.secret/error')?.details?.error).toMatchObject({ sqlState: '42501' });
    expect(dataFindings(EQUAL).map((f) => f.severity)).toEqual(['info']);
  });

  it('turns a column on one side only into a failing `columns` finding, and a stopped run into one `data/stopped`', () => {
    const table = { ...EQUAL.tables[0]!, status: 'different' as const, notes: ['column note is only on the target: not compared'] };
    const stopped: ValidationResult = {
      ...EQUAL,
      tables: [table, { ...table, table: 'public.z', status: 'error', notes: [], reason: 'not compared: the validation stopped (server gone)' }],
      stopped: { code: 'connection', message: 'server gone\nmore' },
      outcome: 'incomplete',
    };
    expect(dataFindings(stopped).map((f) => [f.id, f.severity, f.message])).toEqual([
      ['data/stopped', 'fail', 'the validation stopped before its end (server gone): 1 table not compared'],
      ['data/public.customers/columns', 'fail', 'public.customers: column note is only on the target: not compared'],
    ]);
  });
});

describe('the gate and the exit code', () => {
  it('fails (1) on differences, passes with a warning (0) when the configuration allows them', () => {
    const failing = buildValidateReport(DIFFERENT, POLICY);
    expect(failing.verdict).toBe('fail');
    expect(failing.summary).toEqual({ findings: { fail: 6, warn: 0, info: 2 }, failing: 6, allowed: 0 });
    expect(validateExitCode(failing)).toBe(1);
    const allowed = buildValidateReport(DIFFERENT, { failOn: ['fail'], allow: ['data/public.*'] });
    expect(allowed.verdict).toBe('warn');
    expect(validateExitCode(allowed)).toBe(0);
    expect(validateExitCode(buildValidateReport(EQUAL, POLICY))).toBe(0);
  });

  it('is 3 when only tables not compared fail the gate, 130 or 3 when the run stopped', () => {
    const onlyError = buildValidateReport(DIFFERENT, { failOn: ['fail'], allow: ['data/public.audit/*', 'data/public.events/*', 'data/public.orders/*'] });
    expect(onlyError.findings.filter((f) => f.gate === 'failing').map((f) => f.id)).toEqual(['data/public.secret/error']);
    expect(validateExitCode(onlyError)).toBe(3);
    const interrupted = buildValidateReport({ ...EQUAL, stopped: { code: 'interrupted', message: 'interrupted (SIGINT)' }, outcome: 'incomplete' }, POLICY);
    expect(validateExitCode(interrupted)).toBe(130);
    expect(validateExitCode(buildValidateReport({ ...EQUAL, stopped: { message: 'gone' }, outcome: 'incomplete' }, POLICY))).toBe(3);
  });
});

describe('standalone outputs', () => {
  const report = buildValidateReport(DIFFERENT, POLICY, '2026-12-02T15:26:00.000Z');

  it('--html escapes every value, shows NULL, the empty string and cut values with their length', () => {
    const html = renderValidateHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span class="dv-null">NULL</span>');
    expect(html).toContain('<span class="dv-empty">empty string</span>');
    expect(html).toContain('… (5,000 chars)');
    expect(html).toContain('… (5,001 chars)');
    expect(html).toContain('data-finding="data/public.orders/changed"');
    expect(html).toMatch(/<span class="verdict verdict-fail">FAIL<\/span>/);
    expect(html).toContain('permission denied for table secret');
    expect(html).toContain('<code>42501</code>');
    // The reason is the error's message: said once in the table's block, its SQLSTATE folded under it.
    const block = html.slice(html.indexOf('<div class="dv-table" id="dv-t3" data-table="public.secret">'));
    expect(block.match(/permission denied for table secret/g)).toHaveLength(1);
    expect(html).toContain('5 tables: 1 equal, 2 different, 1 on one side only, 1 not compared.');
    expect(html).toContain('public.customers<div class="dv-row-notes">column id: integer on the source, bigint on the target: compared by value</div>');
  });

  it('marks the part of a value that differs: a float\u2019s last digit, nothing when a side is NULL', () => {
    expect(changedValuesHtml({ text: '0.30000000000000004' }, { text: '0.30000000000000007' })).toEqual({
      source: '<span class="dv-value">0.3000000000000000<mark>4</mark></span>',
      target: '<span class="dv-value">0.3000000000000000<mark>7</mark></span>',
    });
    expect(changedValuesHtml({ text: '<a>' }, { text: null }).source).toBe('<span class="dv-value">&lt;a&gt;</span>');
  });

  it('--junit has one testcase per table, a failure for each finding failing the gate, the error skipped unless it fails', () => {
    const xml = renderValidateJunit(report);
    expect(xml).toMatch(/<testsuites name="cutover validate" tests="5" failures="4" errors="0" skipped="0"/);
    expect([...xml.matchAll(/<testcase classname="data" name="([^"]+)"/g)].map((m) => m[1])).toEqual(['public.audit', 'public.customers', 'public.events', 'public.orders', 'public.secret']);
    expect(xml).toContain('<failure message="public.orders: 3 rows changed (columns note, total, ratio, comment, body)" type="fail">');
    expect(xml).toContain('first rows:\n  id=42\n    note: &quot;plain&quot; -&gt; &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;\n    total: &quot;63.0&quot; -&gt; &quot;0&quot;');
    expect(xml).toContain('data/public.events/extra\npublic.events: 1 row on the target not on the source\n  1 on the source, 2 on the target: (kind=&quot;login&quot;, at=&quot;2026-12-02 15:25:00+00&quot;)');
    const allowed = renderValidateJunit(buildValidateReport(DIFFERENT, { failOn: ['fail'], allow: ['data/public.secret/*'] }));
    expect(allowed).toMatch(/tests="5" failures="3" errors="0" skipped="1"/);
    expect(allowed).toContain('<skipped message="permission denied for table secret"/>');
  });

  it('--md and --json carry the verdict and the findings', () => {
    const md = renderValidateMarkdown(report);
    expect(md).toMatch(/^## cutover validate: FAIL$/m);
    expect(md).toContain('| public.orders | different | 2,000 | 2,000 | 1 | 1 | 3 | missing id=2000; extra id=2001; changed id=42: note "plain" → "&lt;script&gt;alert(1)&lt;/script&gt;"');
    const json = JSON.parse(renderValidateJson(report)) as ValidationResult & { verdict: string; gate: { failing: number }; findings: { id: string; gate: string }[] };
    expect(json).toMatchObject({ outcome: 'different', verdict: 'fail', gate: { failOn: ['fail'], failing: 6 } });
    expect(json.tables).toHaveLength(5);
    expect(json.findings.find((f) => f.id === 'data/public.orders/missing')?.gate).toBe('failing');
  });
});

describe("the run report's Data section", () => {
  it('renders each validation of run.json in report.html and summary.md', async () => {
    const dir = await fixtureCopy();
    await renderRunDirectory(dir);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<a href="#data">Data</a>');
    expect(html).toContain('<section class="rs-section" id="data">');
    expect(html).toContain('Step 2: blue → green, at the switchover (writes stopped, green caught up)');
    expect(html).toContain('Step 2: blue → green, just after the switchover');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    // Anchors of the two validations stay apart.
    expect(html).toContain('id="dv0-t0"');
    expect(html).toContain('<tr class="dv-different" data-table="public.orders" data-status="different">');
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain('## Data');
    expect(md).toContain('**Step 2: blue → green, at the switchover (writes stopped, green caught up):** DIFFERENT: 5 tables (1 equal, 2 different, 1 on one side only, 1 not compared)');
    expect(md).toContain('| public.audit | missing | — | — | — | — | — | missing on the target |');
    expect(md).toContain('**Step 2: blue → green, just after the switchover:** EQUAL: 1 table (');
  });

  it('has no Data tab when the run validated no data, and names a malformed record instead of failing', async () => {
    const dir = await fixtureCopy();
    const { data: _data, ...withoutData } = RUN;
    await writeFile(join(dir, 'run.json'), JSON.stringify(withoutData));
    await renderRunDirectory(dir);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).not.toContain('href="#data"');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).not.toContain('## Data');
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...RUN, data: [{ step: 1, source: 'blue', target: 'green', at: 'after-step', result: { tables: 'no' } }] }));
    await renderRunDirectory(dir);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('Data validation 1 of run.json cannot be shown: &quot;result&quot; has no &quot;source&quot;, &quot;target&quot;, &quot;summary&quot;, &quot;tables&quot;, &quot;outcome&quot;.');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('Data validation 1 of run.json cannot be shown');
  });
});

describe('progress lines', () => {
  it('prints a line per table and a periodic line when stderr is not a terminal', () => {
    vi.useFakeTimers();
    let now = 0;
    const lines: string[] = [];
    const progress = new ValidateProgress({ err: (l) => lines.push(l), errTty: false }, () => now);
    now = 1_000;
    progress.table(DIFFERENT.tables[1]!);
    // Before the engine says how many tables there are, the count alone.
    expect(lines).toEqual(['cutover: table 1 public.customers: equal, 500 rows, 8 ms']);
    now = 2_000;
    progress.update({ tablesDone: 1, tablesTotal: 3, table: 'public.orders', rowsCompared: 500, differences: 0, elapsedMs: 2_000 });
    expect(lines).toHaveLength(1);
    now = 1_000 + PLAIN_PROGRESS_MS;
    vi.advanceTimersByTime(PLAIN_PROGRESS_MS);
    expect(lines[1]).toBe('cutover: validate: 1/3 tables, 500 rows (83 rows/s), 0 differences, 6.0 s; public.orders');
    progress.table(DIFFERENT.tables[3]!);
    expect(lines[2]).toBe('cutover: table 2/3 public.orders: different, 1 missing, 1 extra, 3 changed, 230 ms');
    progress.close();
    vi.advanceTimersByTime(PLAIN_PROGRESS_MS * 3);
    expect(lines).toHaveLength(3);
  });

  it('rewrites one line on a terminal and clears it at the end', () => {
    vi.useFakeTimers();
    let now = 0;
    const updates: string[] = [];
    const lines: string[] = [];
    const progress = new ValidateProgress({ err: (l) => lines.push(l), errTty: true, errUpdate: (l) => updates.push(l) }, () => now);
    now = 2_000;
    progress.update({ tablesDone: 0, tablesTotal: 2, table: 'public.orders', rowsCompared: 0, differences: 0, elapsedMs: 2_000 });
    now = 4_000;
    progress.table(DIFFERENT.tables[3]!);
    expect(updates).toEqual([
      'validate: 0/2 tables, 0 rows (0 rows/s), 0 differences, 2.0 s; public.orders',
      'validate: 1/2 tables, 2,000 rows (500 rows/s), 5 differences, 4.0 s; public.orders',
    ]);
    progress.close();
    expect(updates.at(-1)).toBe('');
    expect(lines).toEqual([]);
  });
});
