import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { LocalServer, embeddedBindir } from '../../scenarios/providers/index.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { launchBrowser, openReport, screenshot } from '../support/browser.js';

/**
 * Names from a database are data, never markup: a schema, table, column, role and extension
 * whose names hold `<script>`, quotes and HTML must show as text in the report, in a real
 * browser (no dialog opens, no element they describe exists), and in the report's HTML source.
 * The extension needs a control file with that name: it is added to a copy of the embedded
 * PostgreSQL 16 installation, never to the shared one.
 */

const SCHEMA = `<b>bold"schema'</b>`;
const TABLE = '<script>alert(1)</script>';
const COLUMN = `x" onmouseover="alert(2)`;
const ROLE = `<img src=x onerror=alert(3)>`;
const EXTENSION = `ext<i>"'&amp;`;
const NAMES = [SCHEMA, TABLE, COLUMN, ROLE, EXTENSION];

let work: string;
let server: LocalServer;
let browser: Browser;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-report-escaping-'));
  // As root the server runs as an unprivileged user, who must reach the installation's copy.
  await chmod(work, 0o755);
  // A private copy of the installation, with an extension named like markup (versions 1.0 and 1.1).
  const root = join(work, 'pg16');
  await cp(dirname(embeddedBindir('16')), root, { recursive: true, verbatimSymlinks: true });
  const extDir = join(root, 'share', 'postgresql', 'extension');
  await writeFile(join(extDir, `${EXTENSION}.control`), `comment = 'a hostile name'\ndefault_version = '1.0'\nrelocatable = true\n`);
  await writeFile(join(extDir, `${EXTENSION}--1.0.sql`), `CREATE FUNCTION ext_probe() RETURNS int LANGUAGE sql AS 'SELECT 1';\n`);
  await writeFile(join(extDir, `${EXTENSION}--1.0--1.1.sql`), `CREATE OR REPLACE FUNCTION ext_probe() RETURNS int LANGUAGE sql AS 'SELECT 2';\n`);
  server = await LocalServer.start({ bindir: join(root, 'bin'), name: 'escaping' });
  await using db = await server.admin();
  await db.query(`CREATE SCHEMA ${ident(SCHEMA)}`);
  await db.query(`CREATE TABLE ${ident(SCHEMA)}.${ident(TABLE)} (id int PRIMARY KEY, ${ident(COLUMN)} text)`);
  await db.query(`INSERT INTO ${ident(SCHEMA)}.${ident(TABLE)} SELECT g, ${literal(TABLE)} FROM generate_series(1, 100) g`);
  await db.query(`CREATE ROLE ${ident(ROLE)} LOGIN`);
  await db.query(`CREATE EXTENSION ${ident(EXTENSION)} VERSION '1.0'`);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('names that look like markup, in the report', () => {
  it('render as text: in the HTML source, and in a browser that runs the page', { timeout: 120_000 }, async () => {
    const env = cleanEnv(work);
    const url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
    const pre = join(work, 'pre.snapshot.json');
    const post = join(work, 'post.snapshot.json');
    expect((await runCli(['check', '--db', url, '--suite', 'pre', '--out', pre], { env, cwd: work })).code).toBe(0);
    {
      // Changes between the snapshots, so that the names appear in findings too.
      await using db = await server.admin();
      await db.query(`ALTER EXTENSION ${ident(EXTENSION)} UPDATE TO '1.1'`);
      await db.query(`DELETE FROM ${ident(SCHEMA)}.${ident(TABLE)} WHERE id > 60`);
      await db.query(`ANALYZE`);
      await db.query(`DROP ROLE ${ident(ROLE)}`);
    }
    expect((await runCli(['check', '--db', url, '--suite', 'post', '--out', post], { env, cwd: work })).code).toBe(0);
    const html = join(work, 'report.html');
    const diff = await runCli(['diff', pre, post, '--html', html], { env, cwd: work });
    expect([0, 1], diff.stderr).toContain(diff.code);
    const source = readFileSync(html, 'utf8');
    // The hostile names never appear raw; their escaped forms do.
    for (const name of NAMES) expect(source, name).not.toContain(name);
    expect(source).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(source).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(source).toContain('ext&lt;i&gt;&quot;&#39;&amp;amp;');

    const opened = await openReport(browser, html);
    await screenshot(opened.page, 'report-escaping');
    const seen = await opened.page.evaluate(() => ({
      text: document.body.innerText,
      scripts: [...document.scripts].map((s) => s.textContent?.slice(0, 40) ?? ''),
      imgs: document.querySelectorAll('img').length,
      bold: [...document.querySelectorAll('b')].map((b) => b.textContent),
      italics: [...document.querySelectorAll('i')].length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    }));
    expect(opened.dialogs, 'an alert ran').toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    expect(seen.imgs).toBe(0);
    expect(seen.italics).toBe(0);
    expect(seen.bold).not.toContain('bold"schema\'');
    expect(seen.handlers).toBe(0);
    expect(seen.scripts.every((s) => !s.includes('alert('))).toBe(true);
    // What a reader sees: the names, character for character.
    for (const name of [TABLE, ROLE, EXTENSION]) expect(seen.text, name).toContain(name);
    await opened.page.context().close();
  });
});
