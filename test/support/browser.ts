/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The functions passed to page.evaluate run in the page: they need the DOM types.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './run-cli.js';

/** Where the browser tests keep their screenshots (ignored by git, kept by CI as artifacts). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Debian's Chromium (scripts/report-deps.sh installs it), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): run scripts/report-deps.sh, or set CHROMIUM_PATH`);
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** What a page did while it loaded: its console errors, uncaught errors, requests and dialogs. */
export interface OpenedPage {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  /** Every request other than the page itself. */
  requests: string[];
  dialogs: string[];
}

/** Opens a report file and records everything that should not happen on it. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, offline: true });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const opened: OpenedPage = { page, consoleErrors: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => opened.pageErrors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url) opened.requests.push(r.url());
  });
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Non-transparent pixels of every canvas on the page, by canvas id. */
export function canvasInk(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    document.querySelectorAll('canvas').forEach((c, i) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) {
        out[c.id || `canvas-${i}`] = 0;
        return;
      }
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let p = 3; p < data.length; p += 4) if ((data[p] ?? 0) > 0) ink++;
      out[c.id || `canvas-${i}`] = ink;
    });
    return out;
  });
}
