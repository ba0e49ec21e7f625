import type { DiffReport, ReportCheck, ReportFinding } from './diff-report.js';
import { escapeXml, escapeXmlAttr } from './escape.js';

/**
 * JUnit XML for CI: one `<testsuite name="cutover">`, one testcase per check (classname = check
 * id), one `<failure>` per finding that fails the gate, `<skipped>` for a check that did not
 * run, and the other findings as `<system-out>` lines.
 */
export function renderJunit(report: DiffReport): string {
  const cases = report.checks.map((check) => testcase(check, report.findings.filter((f) => f.checkId === check.id)));
  const tests = cases.length;
  // JUnit counts failed testcases; a check with two failing findings is one failed test.
  const failures = cases.filter((c) => c.failures > 0).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const time = seconds(report.checks.reduce((ms, c) => ms + (c.pre?.durationMs ?? 0) + (c.post?.durationMs ?? 0), 0));
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  const properties = [
    ['verdict', report.verdict],
    ['pre.server', report.pre.server.version],
    ['post.server', report.post.server.version],
    ['gate.failOn', report.gate.failOn.join(',')],
    ['gate.failing', String(report.summary.failing)],
  ]
    .map(([name, value]) => `      <property name="${escapeXmlAttr(name)}" value="${escapeXmlAttr(value)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cutover" ${counts}>`,
    `  <testsuite name="cutover" ${counts} timestamp="${escapeXmlAttr(report.generatedAt)}">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

interface Testcase {
  xml: string;
  failures: number;
  skipped: boolean;
}

function testcase(check: ReportCheck, findings: ReportFinding[]): Testcase {
  const failing = findings.filter((f) => f.gate === 'failing');
  const others = findings.filter((f) => f.gate !== 'failing');
  const status = check.post ?? check.pre;
  const skipped = failing.length === 0 && status?.status === 'skipped';
  const time = seconds((check.pre?.durationMs ?? 0) + (check.post?.durationMs ?? 0));
  const body: string[] = [];
  for (const f of failing) {
    body.push(
      `      <failure message="${escapeXmlAttr(f.message)}" type="${escapeXmlAttr(f.severity)}">${escapeXml(failureText(f))}</failure>`,
    );
  }
  if (skipped) body.push(`      <skipped message="${escapeXmlAttr(status?.reason ?? 'skipped')}"/>`);
  if (others.length > 0) {
    const lines = others.map((f) => `[${f.severity}${f.gate === 'allowed' ? ', allowed' : ''}] ${f.id}: ${f.message}`);
    body.push(`      <system-out>${escapeXml(lines.join('\n'))}</system-out>`);
  }
  const open = `    <testcase classname="${escapeXmlAttr(check.id)}" name="${escapeXmlAttr(check.title)}" time="${time}"`;
  return {
    xml: body.length === 0 ? `${open}/>` : [`${open}>`, ...body, '    </testcase>'].join('\n'),
    failures: failing.length,
    skipped,
  };
}

function failureText(f: ReportFinding): string {
  const lines = [`${f.id}`, f.message];
  if (f.object) lines.push(`object: ${f.object}`);
  if (f.details && Object.keys(f.details).length > 0) lines.push(`details: ${JSON.stringify(f.details)}`);
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
