import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../checks/snapshot.js';
import type { DiffReport } from '../../reports/diff-report.js';
import {
  checkDiffSectionHtml,
  extensionsSectionHtml,
  planDiffsSectionHtml,
  rowCountsSectionHtml,
  settingsSectionHtml,
} from '../../reports/sections/index.js';
import { snapshotOf } from '../support/snapshot-builder.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/report-sections/${name}`, import.meta.url), 'utf8'));
const pre = fixture('pre.snapshot.json') as Snapshot;
const post = fixture('post.snapshot.json') as Snapshot;
const report = fixture('findings.json') as DiffReport;

/** The rows of the first table after `marker`, as text cells, tags stripped. */
function rowsAfter(html: string, marker: string): string[][] {
  const start = html.indexOf(marker);
  expect(start, `${marker} is in the page`).toBeGreaterThanOrEqual(0);
  const table = html.slice(start).match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...(r[1] ?? '').matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => (c[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()),
  );
}

describe('report sections from a real rehearsal (logical 15.18 -> 17.10)', () => {
  it('groups the check diff by check, most severe first, with before and after side by side', () => {
    const html = checkDiffSectionHtml(report, pre, post);
    expect(html).toContain('19 findings in 3 checks: 0 fail, 1 warn, 18 info. 10 checks without findings.');
    const order = ['explain.baselines', 'server', 'rows'].map((id) => html.indexOf(`<h3><code>${id}</code>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The cost warning: before, after and the ratio in their own cells.
    const [warn] = rowsAfter(html, 'cd-sev-warn');
    expect(warn?.slice(1)).toEqual(['24.03', '331.48', '13.79×']);
    // A watched setting new in 17: absent before, its value after.
    const io = rowsAfter(html, 'cd-sev-info').find((r) => r[0]?.startsWith('watched setting io_combine_limit'));
    expect(io?.[1]).toBe('not present');
    expect(io?.[2]).toContain('value: 16 x 8kB');
    // Row growth carries its change.
    expect(html).toMatch(/app: cutover\.events grew from 0 to 470 rows[\s\S]*?\+470/);
  });

  it('lists the checks without findings with their status before and after, reasons included', () => {
    const quiet = rowsAfter(checkDiffSectionHtml(report, pre, post), 'Checks without findings');
    expect(quiet.map((r) => r[0])).toEqual([
      'databases', 'extensions', 'extensions.pgvector', 'extensions.pg_tviews', 'roles', 'schema', 'replication', 'activity', 'upgrade.compat', 'custom.sql',
    ]);
    expect(quiet.find((r) => r[0] === 'extensions.pgvector')?.[2]).toBe('skipped pgvector (extension vector) is not installed in any database');
    // pg_upgrade compatibility belongs to the pre suite only.
    expect(quiet.find((r) => r[0] === 'upgrade.compat')?.slice(2)).toEqual(['ok', 'not run']);
  });

  it('offers a severity filter with the counts, as checkboxes (no script)', () => {
    const html = checkDiffSectionHtml(report);
    for (const [s, n] of [['fail', 0], ['warn', 1], ['info', 18]] as const) {
      expect(html).toMatch(new RegExp(`<input type="checkbox" class="cd-show-${s}" checked> <span class="badge sev-${s}">${s}</span> ${n}`));
    }
    expect(html).not.toMatch(/<script|\son\w+=/i);
    // Each check is tagged with the severities it holds, which is what the CSS hides by.
    expect(html).toContain('<div class="cd-check cd-has-warn">');
    expect(html).toContain('<div class="cd-check cd-has-info">');
  });

  it('shows the extensions on both sides, none changed', () => {
    const html = extensionsSectionHtml(pre, post);
    expect(html).toContain('2 extensions across 2 databases; none changed.');
    expect(rowsAfter(html, '<table')).toEqual([
      ['app', 'plpgsql', '1.0', '1.0', '—'],
      ['postgres', 'plpgsql', '1.0', '1.0', '—'],
    ]);
    expect(html).not.toMatch(/rs-(changed|added|removed)/);
  });

  it('shows the settings that differ and counts the unchanged ones', () => {
    const html = settingsSectionHtml(pre, post);
    expect(html).toContain('16 settings differ; 55 unchanged.');
    const changed = rowsAfter(html, '<table');
    expect(changed.find((r) => r[0] === 'port')).toEqual(['port', '39511 (command line)', '38993 (command line)']);
    expect(changed.find((r) => r[0] === 'server_version')).toEqual(['server_version', '15.18', '17.10']);
    expect(changed.find((r) => r[0] === 'allow_alter_system')).toEqual(['allow_alter_system', 'no such setting', 'on (default)']);
    expect(changed.some((r) => r[0] === 'TimeZone')).toBe(false);
    // Every setting, unchanged ones included, is in the collapsed table.
    expect(html).toMatch(/<details class="rs-all"><summary>All 71 settings[\s\S]*TimeZone/);
  });

  it('shows row counts with the soak\'s own tables apart and accounted for', () => {
    const html = rowCountsSectionHtml(pre, post, { soakSchema: 'cutover', soakWrites: 470 });
    const data = rowsAfter(html, '<table');
    expect(data.map((r) => r[0])).toEqual(['app.deliveries', 'app.notification_events', 'app.notifications', 'app.user_settings', 'app.users']);
    expect(data.find((r) => r[0] === 'app.deliveries')).toEqual(['app.deliveries', '11,000', '11,000', '0']);
    const soak = rowsAfter(html, "The soak's own tables");
    expect(soak).toEqual([
      ['cutover.events', '0', '470', '+470'],
      ['cutover.writers', '0', '1', '+1'],
    ]);
    expect(html).toContain("is the soak's own writes, not drift in the application's data");
    expect(html).toContain('The soak&#39;s ledger confirms 470 acknowledged writes during the run.');
  });

  it('shows every baseline\'s plans and ratios, the estimated cost and sub-millisecond timings not coloured', () => {
    const html = planDiffsSectionHtml(pre, post);
    expect(html).toContain('6 baselines: no plan changed shape, no time ratio beyond 2× or below 0.5× (explain.timeRatio, its default; beyond noise).');
    expect(html.match(/<div class="pd-baseline[^"]*">/g)).toHaveLength(6);
    const payload = html.slice(html.indexOf('<h3>payload-containment</h3>'), html.indexOf('<h3>status-history-of-a-notification</h3>'));
    expect(rowsAfter(payload, 'pd-figures')[0]).toEqual(['Total cost (planner units)', '24.03', '331.48', '13.79×']);
    // The 13.8x of issue 13: an estimate across majors, information only, never coloured.
    expect(payload).toMatch(/<span class="pd-ratio pd-noise">13\.79×<\/span>/);
    expect(payload).toContain("The total cost is the planner's estimate, shown for information");
    // 0.076 ms -> 0.232 ms is 3x, but jitter: shown grey.
    const status = html.slice(html.indexOf('<h3>status-history-of-a-notification</h3>'));
    expect(status).toMatch(/<span class="pd-ratio pd-noise">3\.05×<\/span>/);
    expect(payload).toMatch(/<span class="pd-ratio pd-even">1\.01×<\/span>/);
    expect(payload).not.toContain('Grey time ratios');
    expect(html).not.toMatch(/class="pd-row pd-(changed|added|removed)"/);
    expect(html.replace(/<[^>]+>/g, '')).toContain('→ Index Scan Backward using deliveries_failed on deliveries');
  });
});

describe('report sections without snapshots or data', () => {
  const skipped = snapshotOf('post', {
    extensions: { status: 'error', reason: 'permission denied for pg_extension' },
    server: { status: 'skipped', reason: 'not allowed here' },
    rows: { status: 'ok', data: { nonsense: true } },
    'explain.baselines': { status: 'skipped', reason: 'no queries configured (explain.queries)' },
  });

  it('says briefly why a section has nothing to show', () => {
    expect(extensionsSectionHtml(undefined, undefined)).toContain('Before: no snapshot. After: no snapshot.');
    expect(settingsSectionHtml(pre, undefined)).toContain('After: no snapshot.');
    expect(planDiffsSectionHtml(undefined, skipped)).toContain('Before: no snapshot. After: skipped: no queries configured (explain.queries).');
    expect(rowCountsSectionHtml(skipped, skipped)).toContain('Before: data not readable (unexpected shape)');
    expect(settingsSectionHtml(pre, skipped)).toContain('After: skipped: not allowed here.');
  });

  it('shows one side when the other check failed, without calling it added or removed', () => {
    const html = extensionsSectionHtml(pre, skipped);
    expect(html).toContain('After: error: permission denied for pg_extension.');
    expect(rowsAfter(html, '<table')[0]).toEqual(['app', 'plpgsql', '1.0', 'not inspected', '—']);
    expect(html).not.toMatch(/rs-(added|removed)/);
  });

  it('renders a check diff with no findings at all', () => {
    const empty: DiffReport = { ...report, findings: [], summary: { ...report.summary, findings: { fail: 0, warn: 0, info: 0 } } };
    const html = checkDiffSectionHtml(empty);
    expect(html).toContain('No findings: nothing that the checks compare changed. 13 checks without findings, 9 of them ok before and after.');
    expect(html).not.toContain('cd-filter');
  });
});
