import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import { ROOT, cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { labBindir } from '../support/lab.js';
import { canvasInk, launchBrowser, openReport, screenshot, type OpenedPage } from '../support/browser.js';

/**
 * The report of real runs in a real browser (Debian's Chromium through playwright-core): a clean
 * logical blue/green, a run with an outage and lost writes, and a failed pg-upgrade. Each page
 * must load without console errors or network requests, show the run's verdict and step figures,
 * and draw its charts; a screenshot of each is kept in test-artifacts/.
 */

let work: string;
let env: NodeJS.ProcessEnv;
let browser: Browser;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-report-browser-'));
  env = cleanEnv(work);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A Node script a command step runs: `pg` from this repository, the writer from PG* variables. */
async function nodeScript(name: string, body: string): Promise<string> {
  const file = join(work, `${name}.cjs`);
  await writeFile(
    file,
    `const pg = require(${JSON.stringify(join(ROOT, 'node_modules', 'pg'))});
(async () => {
${body}
})().catch((e) => { console.error(e.message); process.exit(1); });
`,
  );
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(file)}`;
}

/** The page's own view of the run: the banner's verdict and figures, the step table's rows. */
async function pageFacts(opened: OpenedPage) {
  return opened.page.evaluate(() => {
    const banner = document.querySelector('[data-verdict]');
    const figures: Record<string, string> = {};
    document.querySelectorAll('[data-figure]').forEach((f) => {
      figures[f.getAttribute('data-figure') ?? ''] = f.querySelector('.value')?.textContent ?? '';
    });
    const rows = [...document.querySelectorAll('table.steps tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.firstChild?.textContent ?? '').trim()));
    const totals = [...document.querySelectorAll('table.steps tfoot tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((td) => (td.firstChild?.textContent ?? '').trim()));
    return { verdict: banner?.getAttribute('data-verdict'), figures, rows, totals, canvases: document.querySelectorAll('canvas').length };
  });
}

/** Opens a run's report and checks what every report must hold, whatever the run. */
async function checkReport(runDir: string, name: string) {
  const run = readRun(runDir);
  const file = join(runDir, 'report.html');
  const opened = await openReport(browser, file);
  // Chart.js draws on the next frames: poll until every canvas has ink, with a deadline.
  const deadline = Date.now() + 10_000;
  let ink = await canvasInk(opened.page);
  while (Object.values(ink).some((n) => n === 0) && Date.now() < deadline) {
    await opened.page.waitForTimeout(100);
    ink = await canvasInk(opened.page);
  }
  const shot = await screenshot(opened.page, `report-${name}`);
  console.log(`${name}: screenshot ${shot} (${Math.round(statSync(shot).size / 1024)} kB), report ${Math.round(statSync(file).size / 1024)} kB`);
  expect(opened.consoleErrors, 'console errors').toEqual([]);
  expect(opened.pageErrors, 'uncaught errors').toEqual([]);
  expect(opened.requests, 'network requests').toEqual([]);
  expect(opened.dialogs).toEqual([]);
  const facts = await pageFacts(opened);
  expect(facts.verdict).toBe(run.verdict);
  expect(facts.rows.map((r) => r[0])).toEqual(run.steps.map((s) => s.name));
  // Every step row shows the run.json figures: duration, downtime, failed, lost, unexpected, duplicated.
  run.steps.forEach((s, i) => {
    const row = facts.rows[i]!;
    const shown = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v.toLocaleString('en-US')}${unit}`);
    expect(row.slice(1, 8), s.name).toEqual([s.status, shown(s.durationMs, ' ms'), shown(s.downtimeMs, ' ms'), shown(s.failedAttempts), shown(s.lost), shown(s.unexpected), shown(s.duplicated)]);
  });
  if (run.soak?.summary) {
    expect(facts.figures.lost).toBe(run.soak.summary.lost.toLocaleString('en-US'));
    expect(facts.figures.downtime).toBe(`${run.soak.summary.downtimeMs.toLocaleString('en-US')} ms`);
  }
  expect(facts.canvases).toBeGreaterThanOrEqual(3);
  for (const [id, n] of Object.entries(ink)) expect(n, `canvas ${id} drew nothing`).toBeGreaterThan(500);
  await opened.page.context().close();
  return { run, facts, html: readFileSync(file, 'utf8') };
}

describe('report.html of real runs, in headless Chromium', () => {
  it('a clean logical blue/green: PASS or WARN, no lost writes, charts drawn', { timeout: 240_000 }, async () => {
    const runsDir = join(work, 'runs-logical');
    const result = await runCli(['rehearse', '--duration', '6s', '--rate', '100', '--runs-dir', runsDir, '--name', 'clean-logical'], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const runDir = onlyRunDir(runsDir);
    const { run, facts, html } = await checkReport(runDir, 'clean-logical');
    expect(['pass', 'warn']).toContain(run.verdict);
    expect(run.soak?.summary?.lost).toBe(0);
    expect(facts.figures.lost).toBe('0');
    expect(html).toMatch(/logical blue\/green/);
    // The plan diff and the run metadata are there.
    expect(html).toContain('id="metadata"');
    expect(html).toContain('cutover rehearse --duration 6s');
  });

  it('an outage and lost writes: FAIL, the lost count and the outage in the step that caused them', { timeout: 240_000 }, async () => {
    const cut = await nodeScript(
      'cut-sessions',
      `const c = new pg.Client({ database: 'postgres' });
await c.connect();
await c.query('ALTER DATABASE app ALLOW_CONNECTIONS false');
await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'app' AND pid <> pg_backend_pid()");
await new Promise((r) => setTimeout(r, 2000));
await c.query('ALTER DATABASE app ALLOW_CONNECTIONS true');
await c.end();`,
    );
    const lose = await nodeScript(
      'lose-writes',
      `const c = new pg.Client();
await c.connect();
const r = await c.query('DELETE FROM cutover.events WHERE id IN (SELECT id FROM cutover.events ORDER BY id DESC LIMIT 7)');
console.log('deleted', r.rowCount);
await c.end();`,
    );
    const file = join(work, 'outage.scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'outage-and-loss',
        blue: { provider: 'embedded', version: '16' },
        dataset: { name: 'notifications', scale: 0.1 },
        soak: { rate: 100 },
        steps: [
          { action: 'wait', duration: '2s' },
          { action: 'command', name: 'sessions cut for 2 s', run: cut, timeout: '30s' },
          { action: 'command', name: 'acknowledged writes deleted', run: lose, timeout: '30s' },
          { action: 'wait', duration: '2s' },
        ],
      }),
    );
    const runsDir = join(work, 'runs-outage');
    const result: CliResult = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(1);
    const runDir = onlyRunDir(runsDir);
    const { run, facts, html } = await checkReport(runDir, 'outage-and-loss');
    expect(run.verdict).toBe('fail');
    expect(run.soak?.summary?.lost).toBe(7);
    expect(facts.figures.lost).toBe('7');
    const cutStep = run.steps[1]!;
    expect(cutStep.downtimeMs).toBeGreaterThan(1_500);
    expect(html).toMatch(/7 acknowledged writes lost/);
    expect(html).toContain('id="windows"');
  });

  it('a failed pg-upgrade: FAIL, the failed step and pg_upgrade\'s reason on the page', { timeout: 240_000 }, async () => {
    const regColumn = await nodeScript(
      'reg-column',
      `const c = new pg.Client();
await c.connect();
await c.query('CREATE TABLE public.jobs (id int, handler regproc)');
await c.end();`,
    );
    const file = join(work, 'pgu.scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'failed-pg-upgrade',
        blue: { provider: 'bindir', bindir: labBindir(15) },
        green: { provider: 'bindir', bindir: labBindir(17) },
        dataset: { name: 'notifications', scale: 0.1 },
        soak: { rate: 50 },
        steps: [
          { action: 'command', name: 'add a regproc column', run: regColumn, timeout: '30s' },
          { action: 'pg-upgrade', mode: 'link' },
          { action: 'wait', duration: '1s' },
        ],
      }),
    );
    const runsDir = join(work, 'runs-pgu');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(1);
    const runDir = onlyRunDir(runsDir);
    const { run, html } = await checkReport(runDir, 'failed-pg-upgrade');
    expect(run.verdict).toBe('fail');
    expect(run.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped']);
    expect(html).toMatch(/reg\* data types in user tables/);
    // The compatibility checks looked at green's major (17), not the newest cutover knows.
    expect(html).not.toMatch(/pg_upgrade to 18/);
    await rm(run.keptData?.blue ? join(run.keptData.blue, '..') : join(work, 'none'), { recursive: true, force: true });
  });
});
