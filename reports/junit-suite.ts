import type { ReportFinding } from './diff-report.js';
import { escapeXml, escapeXmlAttr } from './escape.js';

/** One JUnit testcase: a check (or one object a check looked at) and the findings it raised. */
export interface JunitCase {
  classname: string;
  name: string;
  timeMs: number;
  /** Findings that fail the gate become `<failure>`s, the others `<system-out>` lines. */
  findings: readonly ReportFinding[];
  /** Why the check did not run; a `<skipped>` unless a finding fails the gate. */
  skipped?: string;
}

/** One `<testsuites>` holding one `<testsuite>`, as CI systems read it. */
export interface JunitSuite {
  name: string;
  timestamp: string;
  timeMs: number;
  properties: readonly (readonly [name: string, value: string])[];
  cases: readonly JunitCase[];
  /** The body of a `<failure>`: the finding's id and message, then whatever helps the reader. */
  failureText: (finding: ReportFinding) => string;
}

/** Renders a suite as JUnit XML; failures count failed testcases, not failing findings. */
export function renderJunitSuite(suite: JunitSuite): string {
  const cases = suite.cases.map((c) => testcase(c, suite.failureText));
  // JUnit counts failed testcases; a check with two failing findings is one failed test.
  const failures = cases.filter((c) => c.failed).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(suite.timeMs)}"`;
  const properties = suite.properties.map(([name, value]) => `      <property name="${escapeXmlAttr(name)}" value="${escapeXmlAttr(value)}"/>`);
  const name = escapeXmlAttr(suite.name);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" ${counts}>`,
    `  <testsuite name="${name}" ${counts} timestamp="${escapeXmlAttr(suite.timestamp)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(c: JunitCase, failureText: (finding: ReportFinding) => string): { xml: string; failed: boolean; skipped: boolean } {
  const failing = c.findings.filter((f) => f.gate === 'failing');
  const others = c.findings.filter((f) => f.gate !== 'failing');
  const skipped = failing.length === 0 && c.skipped !== undefined;
  const body = failing.map(
    (f) => `      <failure message="${escapeXmlAttr(f.message)}" type="${escapeXmlAttr(f.severity)}">${escapeXml(failureText(f))}</failure>`,
  );
  if (skipped) body.push(`      <skipped message="${escapeXmlAttr(c.skipped)}"/>`);
  if (others.length > 0) {
    const lines = others.map((f) => `[${f.severity}${f.gate === 'allowed' ? ', allowed' : ''}] ${f.id}: ${f.message}`);
    body.push(`      <system-out>${escapeXml(lines.join('\n'))}</system-out>`);
  }
  const open = `    <testcase classname="${escapeXmlAttr(c.classname)}" name="${escapeXmlAttr(c.name)}" time="${seconds(c.timeMs)}"`;
  return {
    xml: body.length === 0 ? `${open}/>` : [`${open}>`, ...body, '    </testcase>'].join('\n'),
    failed: failing.length > 0,
    skipped,
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
