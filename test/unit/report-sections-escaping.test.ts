import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import type { Finding } from '../../checks/finding.js';
import { buildDiffReport } from '../../reports/diff-report.js';
import { applyGate } from '../../reports/gate.js';
import {
  checkDiffSectionHtml,
  extensionsSectionHtml,
  planDiffsSectionHtml,
  rowCountsSectionHtml,
  settingsSectionHtml,
} from '../../reports/sections/index.js';
import { baseline, exact, extension, extensionsData, node, rowsData, serverData, setting } from '../fixtures/report-sections/crafted.js';
import { snapshotOf } from '../support/snapshot-builder.js';

const EVIL = '<script>alert(1)</script>';
const EVIL_TEXT = '&lt;script&gt;alert(1)&lt;/script&gt;';
const TRICKY = `a&b "double" 'single'`;
const TRICKY_TEXT = 'a&amp;b &quot;double&quot; &#39;single&#39;';
const NAME = `${EVIL} ${TRICKY}`;

/** Snapshots where every name a database hands over is hostile. */
function hostile() {
  const side = (suite: 'pre' | 'post') =>
    snapshotOf(suite, {
      extensions: { data: extensionsData([extension(NAME, suite === 'pre' ? EVIL : TRICKY, { database: NAME, schema: NAME })], [NAME]) },
      server: { data: serverData([setting(NAME, suite === 'pre' ? EVIL : TRICKY, { source: NAME, unit: NAME })], [{ name: `w${NAME}`, present: suite === 'post', setting: NAME, source: NAME }], NAME) },
      rows: { data: rowsData({ [`"${NAME}".t`]: exact(suite === 'pre' ? 1 : 2), [`${NAME}.x`]: { estimate: 5, liveTuples: 5, skipped: NAME } }, NAME) },
      'explain.baselines': {
        data: {
          baselines: [
            baseline(NAME, node(NAME, { relation: NAME, index: suite === 'pre' ? NAME : `${NAME}2`, join: NAME, subplan: NAME }, node(NAME)), { sql: NAME, database: NAME }),
            { ...baseline(`e${NAME}`, node('Result')), status: suite === 'pre' ? 'rejected' : 'error', reason: NAME, error: { message: NAME, sqlState: NAME } },
          ],
        },
      },
      [`custom.${NAME}`]: { title: NAME, status: 'error', reason: NAME, error: { message: `${NAME}\n${NAME}`, detail: NAME, hint: NAME, sqlState: NAME } },
      roles: { title: NAME, status: 'skipped', reason: NAME },
    });
  return { pre: side('pre'), post: side('post') };
}

function hostileReport() {
  const { pre, post } = hostile();
  const finding = (severity: Finding['severity'], details: Record<string, unknown>): Finding => ({
    id: `extensions/${NAME}/${severity}`,
    checkId: 'extensions',
    key: NAME,
    severity,
    message: NAME,
    object: NAME,
    details,
  });
  const findings: Finding[] = [
    finding('fail', { pre: NAME, post: [NAME, NAME], [NAME]: { [NAME]: NAME }, change: NAME }),
    finding('warn', { preMs: NAME, postMs: NAME, ratio: NAME, other: [{ [NAME]: NAME }] }),
    { ...finding('info', { before: { present: false }, after: { value: NAME, source: NAME } }), checkId: `custom.${NAME}`, preExisting: true },
  ];
  const policy = resolveConfig({}).gate;
  return { pre, post, report: buildDiffReport({ pre, post, findings, policy, gate: applyGate(findings, policy), generatedAt: '2026-01-01T00:00:00.000Z' }) };
}

describe('report sections escape everything that came from a database', () => {
  const { pre, post, report } = hostileReport();
  const sections = {
    'check diff': checkDiffSectionHtml(report, pre, post),
    extensions: extensionsSectionHtml(pre, post),
    settings: settingsSectionHtml(pre, post),
    'row counts': rowCountsSectionHtml(pre, post, { soakSchema: NAME, soakWrites: 1 }),
    'plan diffs': planDiffsSectionHtml(pre, post),
  };

  it.each(Object.entries(sections))('%s: names with <script>, quotes and & are text', (_name, html) => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain(TRICKY);
    expect(html).not.toMatch(/\son\w+\s*=/i);
    expect(html).toContain(EVIL_TEXT);
    expect(html).toContain(TRICKY_TEXT);
  });

  it('reaches the hostile values at all (the data was read, not skipped)', () => {
    expect(sections.extensions).toContain('1 changed');
    expect(sections.settings).toMatch(/class="rs-changed"><td class="mono">&lt;script&gt;/);
    expect(sections['row counts']).toContain('These tables are written by the soak itself');
    expect(sections['plan diffs']).toContain('class="pd-row pd-changed"');
    expect(sections['plan diffs']).toContain(`SQLSTATE ${EVIL_TEXT}`);
    expect(sections['check diff']).toContain(`hint: ${EVIL_TEXT}`);
  });
});
