import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../checks/snapshot.js';
import type { DiffReport } from '../../reports/diff-report.js';
import { REPORT_CSS } from '../../reports/html-style.js';
import { SECTIONS_CSS, checkDiffSectionHtml, planDiffsSectionHtml } from '../../reports/sections/index.js';
import { launchBrowser, openReport, screenshot, type OpenedPage } from '../support/browser.js';

/**
 * The severity filter of the check diff is CSS only (checkboxes and `:has()`): only a browser can
 * tell whether it hides what it should, so this test clicks it in Chromium.
 */

const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].some((p) => !!p && existsSync(p));
const fixture = (dir: string, name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), 'utf8'));

let work: string;
let browser: Browser;
let opened: OpenedPage;

// Without Chromium (scripts/report-deps.sh installs it) nothing can render the page.
describe.skipIf(!chromium)('check diff severity filter in a browser', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-report-sections-'));
    const report = fixture('report-sections', 'findings.json') as DiffReport;
    const pre = fixture('report-sections', 'pre.snapshot.json') as Snapshot;
    const post = fixture('report-sections', 'post.snapshot.json') as Snapshot;
    // A plan that changed shape, from the differ's hand-made botched upgrade.
    const plans = planDiffsSectionHtml(fixture('snapshots', 'pre.snapshot.json') as Snapshot, fixture('snapshots', 'post.snapshot.json') as Snapshot);
    const file = join(work, 'sections.html');
    await writeFile(
      file,
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>sections</title><style>${REPORT_CSS}${SECTIONS_CSS}</style></head>
<body>${checkDiffSectionHtml(report, pre, post)}${plans}</body></html>`,
    );
    browser = await launchBrowser();
    opened = await openReport(browser, file);
  });

  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const visibleChecks = (page: Page) =>
    page.$$eval('.cd-check', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.querySelector('h3 code')?.textContent));
  const visible = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).offsetParent !== null);

  it('loads without errors or requests and shows every check with findings', async () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    expect(await visibleChecks(opened.page)).toEqual(['explain.baselines', 'server', 'rows']);
    expect(await visible(opened.page, '.cd-all-hidden')).toBe(false);
  });

  it('hides info findings, and the checks that only had those, when info is unchecked', async () => {
    const { page } = opened;
    await page.click('.cd-show-info');
    expect(await visibleChecks(page)).toEqual(['explain.baselines']);
    expect(await page.$$eval('.cd-sev-info', (els) => els.every((e) => (e as HTMLElement).offsetParent === null))).toBe(true);
    expect(await visible(page, '.cd-sev-warn')).toBe(true);
    await screenshot(page, 'report-sections/filter-without-info');
  });

  it('says every finding is hidden when nothing is left, and shows them again when rechecked', async () => {
    const { page } = opened;
    await page.click('.cd-show-warn');
    expect(await visibleChecks(page)).toEqual([]);
    expect(await visible(page, '.cd-all-hidden')).toBe(true);
    await page.click('.cd-show-info');
    expect(await visibleChecks(page)).toEqual(['server', 'rows']);
    expect(await visible(page, '.cd-all-hidden')).toBe(false);
    // The quiet checks are never filtered.
    expect(await visible(page, '.cd-quiet')).toBe(true);
  });

  it('colours the changed and added plan nodes, and only those', async () => {
    const colours = await opened.page.$$eval('.pd-tree tbody tr', (rows) =>
      rows.map((r) => [r.className, getComputedStyle(r.querySelector('td.pd-mark') as Element).backgroundColor]),
    );
    expect(colours).toEqual([
      ['pd-row pd-same', 'rgba(0, 0, 0, 0)'],
      ['pd-row pd-changed', 'rgb(255, 248, 197)'],
      ['pd-row pd-added', 'rgb(218, 251, 225)'],
    ]);
    await screenshot(opened.page, 'report-sections/plan-diff');
  });
});
