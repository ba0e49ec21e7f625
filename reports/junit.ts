import type { DiffReport, ReportCheck, ReportFinding } from './diff-report.js';
import { renderJunitSuite, type JunitCase } from './junit-suite.js';

/**
 * JUnit XML for CI: one `<testsuite name="cutover">`, one testcase per check (classname = check
 * id), one `<failure>` per finding that fails the gate, `<skipped>` for a check that did not
 * run, and the other findings as `<system-out>` lines.
 */
export function renderJunit(report: DiffReport): string {
  return renderJunitSuite({
    name: 'cutover',
    timestamp: report.generatedAt,
    timeMs: report.checks.reduce((ms, c) => ms + checkMs(c), 0),
    properties: [
      ['verdict', report.verdict],
      ['pre.server', report.pre.server.version],
      ['post.server', report.post.server.version],
      ['gate.failOn', report.gate.failOn.join(',')],
      ['gate.failing', String(report.summary.failing)],
    ],
    cases: report.checks.map((check) => testcase(check, report.findings.filter((f) => f.checkId === check.id))),
    failureText,
  });
}

function testcase(check: ReportCheck, findings: ReportFinding[]): JunitCase {
  const status = check.post ?? check.pre;
  return {
    classname: check.id,
    name: check.title,
    timeMs: checkMs(check),
    findings,
    ...(status?.status === 'skipped' ? { skipped: status.reason ?? 'skipped' } : {}),
  };
}

function checkMs(check: ReportCheck): number {
  return (check.pre?.durationMs ?? 0) + (check.post?.durationMs ?? 0);
}

function failureText(f: ReportFinding): string {
  const lines = [`${f.id}`, f.message];
  if (f.object) lines.push(`object: ${f.object}`);
  if (f.details && Object.keys(f.details).length > 0) lines.push(`details: ${JSON.stringify(f.details)}`);
  return lines.join('\n');
}
