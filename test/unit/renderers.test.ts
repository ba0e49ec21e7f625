import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { defineCheck, type CheckDefinition } from '../../checks/define-check.js';
import { diffAndGate } from '../../reports/diff-and-gate.js';
import { renderHtml } from '../../reports/html.js';
import { renderJson } from '../../reports/json.js';
import { renderJunit } from '../../reports/junit.js';
import { renderMarkdown } from '../../reports/markdown.js';
import { snapshotOf } from '../support/snapshot-builder.js';
import { findAll, parseXml } from '../support/xml-tree.js';
import { escapeHtml, escapeXml, escapeXmlAttr } from '../../reports/escape.js';

const EVIL = '<script>alert(1)</script>';
const TRICKY = `a&b "quoted" 'single' | pipe \u0001 ]]> end`;

interface Tables {
  tables: string[];
}

/** Reports tables gone after (fail) and tables whose name needs quoting (warn, from evaluate). */
const tables = defineCheck<Tables>({
  id: 'schema',
  title: 'Tables <and> "things"',
  collect: () => Promise.resolve({ tables: [] }),
  compare: (pre, post) =>
    pre.tables
      .filter((t) => !post.tables.includes(t))
      .map((t) => ({ key: `table-disappeared:app:${t}`, severity: 'fail', message: `table ${t} disappeared`, object: t, details: { name: t } })),
  evaluate: (data) =>
    data.tables.filter((t) => t !== t.toLowerCase() || /\W/.test(t)).map((t) => ({ key: `odd-name:${t}`, severity: 'warn', message: `table ${t} has an odd name`, object: t })),
}) as CheckDefinition;

const roles = defineCheck<Tables>({ id: 'roles', title: 'Roles', collect: () => Promise.resolve({ tables: [] }) }) as CheckDefinition;
const ok = defineCheck<Tables>({ id: 'server', title: 'Server', collect: () => Promise.resolve({ tables: [] }) }) as CheckDefinition;
const CHECKS = [ok, tables, roles];

function report(allow: string[] = []) {
  const pre = snapshotOf('pre', {
    server: { data: { tables: [] } },
    schema: { data: { tables: [EVIL, TRICKY, 'kept'] } },
    roles: { data: { tables: [] } },
  });
  const post = snapshotOf('post', {
    server: { data: { tables: [] } },
    schema: { title: 'Tables <and> "things"', data: { tables: ['kept', EVIL] } },
    roles: { status: 'skipped', reason: `needs <pg_read_all_settings> & "more"` },
  });
  return diffAndGate(pre, post, resolveConfig({ gate: { allow } }), CHECKS);
}

describe('renderJunit', () => {
  const xml = renderJunit(report());
  const doc = parseXml(xml);

  it('is well-formed XML with one testsuite named cutover', () => {
    expect(doc.name).toBe('testsuites');
    const suites = findAll(doc, 'testsuite');
    expect(suites).toHaveLength(1);
    expect(suites[0]?.attributes.name).toBe('cutover');
    expect(suites[0]?.attributes).toMatchObject({ tests: '3', failures: '1', skipped: '1', errors: '0' });
  });

  it('has one testcase per check, classname = check id', () => {
    expect(findAll(doc, 'testcase').map((t) => t.attributes.classname)).toEqual(['server', 'schema', 'roles']);
  });

  it('has one failure per gate-failing finding, with the text from the database intact', () => {
    const schema = findAll(doc, 'testcase').find((t) => t.attributes.classname === 'schema')!;
    const failures = findAll(schema, 'failure');
    expect(failures).toHaveLength(1);
    // The control character cannot appear in XML 1.0: it is replaced, everything else survives.
    expect(failures[0]?.attributes.message).toBe(`table ${TRICKY.replace('\u0001', '\uFFFD')} disappeared`);
    expect(failures[0]?.text).toContain('schema/table-disappeared:app:');
    expect(schema.attributes.name).toBe('Tables <and> "things"');
  });

  it('puts the other findings in system-out and marks a skipped check skipped with its reason', () => {
    const schema = findAll(doc, 'testcase').find((t) => t.attributes.classname === 'schema')!;
    expect(findAll(schema, 'system-out')[0]?.text).toContain(`[warn] schema/odd-name:${EVIL}: table ${EVIL} has an odd name`);
    const roles = findAll(doc, 'testcase').find((t) => t.attributes.classname === 'roles')!;
    expect(findAll(roles, 'skipped')[0]?.attributes.message).toBe(`needs <pg_read_all_settings> & "more"`);
    expect(findAll(roles, 'failure')).toHaveLength(0);
  });

  it('has no failure when the finding is allowed', () => {
    const allowed = parseXml(renderJunit(report(['schema/table-disappeared:*'])));
    expect(findAll(allowed, 'failure')).toHaveLength(0);
    expect(findAll(allowed, 'system-out').map((s) => s.text).join('\n')).toContain('[fail, allowed] schema/table-disappeared');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(report());

  it('renders a table named <script> as text', () => {
    expect(html).not.toContain(EVIL);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a&amp;b &quot;quoted&quot; &#39;single&#39;');
  });

  it('is self-contained: inline CSS, no external resources, links only within the page', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<link|<img|<iframe|\bsrc=|\bhref="[^#]|url\(|@import/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
  });

  it('shows the verdict, server versions before and after, findings by severity and check statuses', () => {
    expect(html).toContain('verdict-fail');
    expect(html).toMatch(/16\.4 \(160004\)[\s\S]*16\.14 \(160014\)/);
    expect(html).toMatch(/1 fail, 2 warn/);
    expect(html).toContain('needs &lt;pg_read_all_settings&gt; &amp; &quot;more&quot;');
    expect(html).toContain('status-skipped');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report());

  it('has a findings table with one row per finding and escaped cells', () => {
    const rows = md.split('\n').filter((l) => /^\| (fail|warn|info) \|/.test(l));
    expect(rows).toHaveLength(3);
    expect(md).not.toContain(EVIL);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // A pipe in a name cannot add a column.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('states the verdict and the servers', () => {
    expect(md).toMatch(/^## cutover: FAIL/);
    expect(md).toContain('| Server | 16.4 | 16.14 |');
  });
});

describe('renderJson', () => {
  it('holds the findings, the verdict and the summary', () => {
    const json = JSON.parse(renderJson(report())) as ReturnType<typeof report>;
    expect(json.verdict).toBe('fail');
    expect(json.summary.findings).toEqual({ fail: 1, warn: 2, info: 0 });
    expect(json.summary.failing).toBe(1);
    expect(json.findings.map((f) => [f.id, f.gate])).toEqual([
      [`schema/table-disappeared:app:${TRICKY}`, 'failing'],
      ['roles/not-collected-after', 'ok'],
      [`schema/odd-name:${EVIL}`, 'ok'],
    ]);
    expect(json.checks.find((c) => c.id === 'roles')?.post).toMatchObject({ status: 'skipped' });
  });
});

describe('escaping', () => {
  it('replaces characters XML 1.0 cannot hold, lone surrogates included, and keeps pairs', () => {
    expect(escapeXml('a\u0000b\u001Fc\uD800d\uDC00e\uD83D\uDE00')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uD83D\uDE00');
    expect(escapeXmlAttr('line1\nline2\ttab')).toBe('line1&#10;line2&#9;tab');
  });

  it('escapes HTML quotes for attribute values', () => {
    expect(escapeHtml(`"'><img src=x onerror=alert(1)>`)).toBe('&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('renderJunit counts', () => {
  it('counts failed testcases, not failure elements, in the suite attributes', () => {
    const pre = snapshotOf('pre', { schema: { data: { tables: ['a', 'b'] } } });
    const post = snapshotOf('post', { schema: { data: { tables: [] } } });
    const doc = parseXml(renderJunit(diffAndGate(pre, post, resolveConfig({}), CHECKS)));
    expect(findAll(doc, 'failure')).toHaveLength(2);
    expect(findAll(doc, 'testsuite')[0]?.attributes).toMatchObject({ tests: '1', failures: '1' });
  });
});
