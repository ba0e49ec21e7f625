import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { createSleepyDatabase, interruptWhen, sleepingIn } from '../support/sleepy-table.js';
import { startLabServer, waitFor } from '../support/lab.js';
import { ARTIFACTS, launchBrowser, openReport, screenshot } from '../support/browser.js';
import type { ValidationResult } from '../../validate/result.js';
import { renderRunDirectory } from '../../reports/render-run.js';

/**
 * `cutover validate`'s outputs on a real lab server (PostgreSQL 17, two databases, the target a
 * copy with differences made by hand): the gate and its exit codes under a configuration file,
 * the --html page in Chromium (differences visible, a value `<script>` shown as text), --junit,
 * --md, progress lines in a log, and the files written on Ctrl-C.
 */

let server: LocalServer;
let work: string;
let env: NodeJS.ProcessEnv;
let browser: Browser;
const url = (db: string): string => `postgresql://postgres:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${db}`;
const cli = (args: string[]) => runCli(['validate', ...args], { env, cwd: work });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-validate-report-'));
  env = cleanEnv(work);
  server = await startLabServer(17, { name: 'validate-report' });
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE a');
  {
    await using a = await server.admin('a');
    await a.query(`CREATE TABLE orders (id bigint PRIMARY KEY, note text, total numeric, ratio float8, placed timestamptz, body text);
      INSERT INTO orders SELECT g, 'note ' || g, g * 1.5, g / 3.0, timestamptz '2025-01-01 00:00+00' + g * interval '1 minute', repeat('b', 500) FROM generate_series(1, 3000) g;
      CREATE TABLE log (msg text);
      INSERT INTO log SELECT 'message ' || (g % 10) FROM generate_series(1, 100) g;
      CREATE TABLE docs (id int PRIMARY KEY, doc text);
      INSERT INTO docs VALUES (1, '{"a": 1}');
      CREATE TABLE same (id int PRIMARY KEY);
      INSERT INTO same SELECT generate_series(1, 10);
      ANALYZE`);
  }
  await admin.query('CREATE DATABASE b TEMPLATE a');
  await using b = await server.admin('b');
  await b.query(`UPDATE orders SET note = '<script>alert(1)</script>' WHERE id = 42;
    UPDATE orders SET note = '' WHERE id = 43;
    UPDATE orders SET ratio = 'NaN' WHERE id = 44;
    UPDATE orders SET body = repeat('b', 499) || 'c' WHERE id = 45;
    DELETE FROM orders WHERE id = 3000;
    INSERT INTO orders VALUES (3001, 'new', 1, 1, now(), '');
    INSERT INTO log VALUES ('message 1');
    ALTER TABLE docs ALTER COLUMN doc TYPE jsonb USING doc::jsonb`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('cutover validate: gate and outputs', () => {
  it('exits 1 and writes --html, --junit, --md and --json; the page shows every difference, escaped', async () => {
    const [html, junit, md, json] = ['out.html', 'out.xml', 'out.md', 'out.json'].map((f) => join(work, f)) as [string, string, string, string];
    const r = await cli(['--source', url('a'), '--target', url('b'), '--html', html, '--junit', junit, '--md', md, '--json', json]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^findings: 5 fail, 0 warn, 1 info; 5 failing the gate: data\/public\.docs\/error, data\/public\.log\/extra, data\/public\.orders\/missing, data\/public\.orders\/extra, data\/public\.orders\/changed; 0 allowed$/m);
    expect(r.stdout).toMatch(/^gate: FAIL$/m);
    expect(r.stdout).toMatch(/^verdict: DIFFERENT$/m);
    for (const f of [html, junit, md, json]) expect(r.stdout).toContain(`wrote ${f}`);

    const opened = await openReport(browser, html);
    const facts = await opened.page.evaluate(() => {
      const changed = [...document.querySelectorAll('table.dv-changed tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
      const statuses = Object.fromEntries([...document.querySelectorAll('table.dv-tables tbody tr')].map((tr) => [tr.getAttribute('data-table'), tr.getAttribute('data-status')]));
      return {
        verdict: document.querySelector('h1 .verdict')?.textContent,
        scripts: document.querySelectorAll('script').length,
        changed,
        statuses,
        missing: document.querySelector('.dv-missing-rows')?.textContent,
        extra: document.querySelector('.dv-extra-rows')?.textContent,
        findings: [...document.querySelectorAll('[data-finding]')].map((tr) => tr.getAttribute('data-finding')),
      };
    });
    await screenshot(opened.page, 'validate-report');
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    expect(opened.dialogs).toEqual([]);
    expect(facts.verdict).toBe('FAIL');
    expect(facts.scripts).toBe(0);
    expect(facts.statuses).toEqual({ 'public.docs': 'error', 'public.log': 'different', 'public.orders': 'different', 'public.same': 'equal' });
    expect(facts.missing).toBe('id\u00a0=\u00a03000');
    expect(facts.extra).toBe('id\u00a0=\u00a03001');
    expect(facts.changed).toEqual([
      ['id\u00a0=\u00a042', 'note', 'note 42', '<script>alert(1)</script>'],
      ['id\u00a0=\u00a043', 'note', 'note 43', 'empty string'],
      ['id\u00a0=\u00a044', 'ratio', '14.666666666666666', 'NaN'],
      ['id\u00a0=\u00a045', 'body', `${'b'.repeat(200)}… (500 chars)`, `${'b'.repeat(200)}… (500 chars)(alike in the first characters shown: they differ after them)`],
    ]);
    expect(facts.findings).toContain('data/public.docs/error');

    const xml = await readFile(junit, 'utf8');
    expect([...xml.matchAll(/<testcase classname="data" name="([^"]+)"/g)].map((m) => m[1])).toEqual(['public.docs', 'public.log', 'public.orders', 'public.same']);
    expect(xml).toMatch(/<testsuites name="cutover validate" tests="4" failures="3" errors="0" skipped="0"/);
    expect(xml).toContain('&lt;script&gt;');
    expect(await readFile(md, 'utf8')).toMatch(/^## cutover validate: FAIL$/m);
    const written = JSON.parse(await readFile(json, 'utf8')) as ValidationResult & { verdict: string };
    expect(written.verdict).toBe('fail');
    expect(await readFile(html, 'utf8')).not.toContain(server.password);
  });

  it('passes (0, gate WARN) when the configuration allows the differences; 3 when only a table not compared fails', async () => {
    const allowAll = join(work, 'allow-all.yaml');
    await writeFile(allowAll, 'gate:\n  allow: ["data/*"]\n');
    const r = await cli(['--source', url('a'), '--target', url('b'), '--config', allowAll]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^findings: 5 fail, 0 warn, 1 info; 0 failing the gate; 5 allowed$/m);
    expect(r.stdout).toMatch(/^gate: WARN$/m);
    const allowDifferences = join(work, 'allow-differences.yaml');
    await writeFile(allowDifferences, 'gate:\n  allow: ["data/public.orders/*", "data/public.log/*"]\n');
    const e = await cli(['--source', url('a'), '--target', url('b'), '--config', allowDifferences]);
    expect(e.code, e.stderr).toBe(3);
    expect(e.stdout).toMatch(/^findings: .*; 1 failing the gate: data\/public\.docs\/error; 4 allowed$/m);
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, 'gate:\n  failOn: [sometimes]\n');
    expect((await cli(['--source', url('a'), '--target', url('b'), '--config', bad])).code).toBe(2);
  });

  it('prints a progress line per table when stderr is not a terminal', async () => {
    const r = await cli(['--source', url('a'), '--target', url('a')]);
    expect(r.code, r.stderr).toBe(0);
    const tables = r.errLines.filter((l) => l.startsWith('cutover: table '));
    expect(tables).toHaveLength(4);
    expect(tables.at(-1)).toMatch(/^cutover: table 4(\/4)? public\.\w+: equal, \d+ rows, \d+ ms$/);
    expect(r.errLines.some((l) => /^cutover: table \d(\/4)? public\.orders: equal, 3,000 rows, \d+ ms$/.test(l))).toBe(true);
  });
});

describe("the run report's Data section in a browser", () => {
  it('shows each validation of a hand-made run directory, its differences visible and escaped', async () => {
    const dir = join(work, 'run');
    await cp(new URL('../fixtures/runs/data-validation', import.meta.url), dir, { recursive: true });
    await renderRunDirectory(dir);
    const opened = await openReport(browser, join(dir, 'report.html'));
    await opened.page.click('nav.toc a[href="#data"]');
    const facts = await opened.page.evaluate(() => ({
      records: [...document.querySelectorAll('#data .dv-record h3')].map((e) => e.textContent),
      changed: [...document.querySelectorAll('#data table.dv-changed td.dv-after')].map((e) => e.textContent),
    }));
    await (await opened.page.$('#data'))?.screenshot({ path: join(ARTIFACTS, 'validate-report-run-data.png') });
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.dialogs).toEqual([]);
    expect(facts.records).toEqual(['Step 2: blue → green, at the switchover (writes stopped, green caught up)', 'Step 2: blue → green, just after the switchover']);
    expect(facts.changed.slice(0, 2)).toEqual(['<script>alert(1)</script>', '0']);
  });
});

describe('cutover validate interrupted', () => {
  it('writes --html and --junit with the partial results on Ctrl-C', async () => {
    const rls = await createSleepyDatabase(server, 'report_rls', 'c');
    const html = join(work, 'interrupted.html');
    const junit = join(work, 'interrupted.xml');
    await using admin = await server.admin();
    const sleeping = sleepingIn(admin, `usename = 'report_rls'`);
    const r = await runCli(['validate', '--source', rls, '--target', rls, '--html', html, '--junit', junit], { env, cwd: work, onSpawn: interruptWhen(sleeping) });
    expect(r.code, r.stderr).toBe(130);
    expect(r.errLines).toContain(`cutover: validation stopped: interrupted (SIGINT) (partial results in ${html}, ${junit})`);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('The validation stopped before its end; the results below are partial.');
    expect(page).toContain('data-finding="data/stopped"');
    expect(page).toMatch(/<tr class="dv-equal" data-table="public\.fast"/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testcase classname="data" name="validation"');
    expect(xml).toContain('<skipped message="not compared: interrupted (SIGINT)"/>');
    await waitFor(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE usename = 'report_rls'`)).length === 0, 'the sessions to end', 10_000);
  });
});
