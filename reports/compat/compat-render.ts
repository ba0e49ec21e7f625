import { describeEndpoint } from '../../core/endpoint.js';
import { gateProperties, type ReportFinding } from '../diff-report.js';
import { escapeMarkdown as md } from '../escape.js';
import { renderJunitSuite, type JunitCase } from '../junit-suite.js';
import { findingsAndGate, findingsTable } from '../markdown.js';
import { PG_UPGRADE_CHECK_ID } from '../../scenarios/compat/pg-upgrade-check.js';
import { COMPAT_CHECKS, type CompatReport } from './compat-report.js';

/** The compat report as JSON: verdict, source and target, summary, every finding with its gate outcome. */
export function renderCompatJson(report: CompatReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * JUnit XML for CI: per check, one testcase per object with a finding (a `<failure>` when it
 * fails the gate), or one passing testcase when the check found nothing.
 */
export function renderCompatJunit(report: CompatReport): string {
  return renderJunitSuite({
    name: 'cutover compat',
    timestamp: report.generatedAt,
    timeMs: report.durationMs,
    properties: [
      ['verdict', report.verdict],
      ['source.server', report.source.version],
      ['target.server', report.target.version],
      ...gateProperties(report),
    ],
    cases: COMPAT_CHECKS.flatMap((check) => testcases(report, check)),
    failureText,
  });
}

function testcases(report: CompatReport, check: (typeof COMPAT_CHECKS)[number]): JunitCase[] {
  const own = report.findings.filter((f) => f.checkId === check.id);
  if (own.length === 0) {
    const skipped = check.id === PG_UPGRADE_CHECK_ID && report.pgUpgradeCheck?.status !== 'passed';
    return [
      {
        classname: check.id,
        name: check.title,
        timeMs: 0,
        findings: [],
        ...(skipped ? { skipped: report.pgUpgradeCheck?.reason ?? 'the source is not a local server' } : {}),
      },
    ];
  }
  const byObject = new Map<string, ReportFinding[]>();
  for (const f of own) byObject.set(f.object ?? f.key, [...(byObject.get(f.object ?? f.key) ?? []), f]);
  return [...byObject].map(([object, findings]) => {
    const type = typeof findings[0]?.details?.type === 'string' ? `${findings[0].details.type} ` : '';
    return { classname: check.id, name: `${type}${object}`, timeMs: 0, findings };
  });
}

/** A Markdown summary for a CI job or a pull request: verdict, servers, every refused statement. */
export function renderCompatMarkdown(report: CompatReport): string {
  const s = report.summary;
  const out: string[] = [`## cutover compat: ${report.verdict.toUpperCase()}`, ''];
  out.push('| | source | target |', '|---|---|---|');
  out.push(`| Server | ${md(report.source.version)} | ${md(report.target.version)} (${md(report.target.server)}) |`);
  out.push(`| Endpoint | ${md(describeEndpoint(report.source.endpoint))} | throwaway |`, '');
  out.push(`**Schema:** ${s.entries} entries, ${s.failedEntries} refused by the target; ${s.roles} roles. ${findingsAndGate(s, report.gate)}`, '');
  if (report.pgUpgradeCheck) {
    out.push(`**pg_upgrade --check:** ${report.pgUpgradeCheck.status}${report.pgUpgradeCheck.reason ? ` (${md(report.pgUpgradeCheck.reason)})` : ''}`, '');
  }
  out.push(
    ...findingsTable(report.findings, [
      ['Severity', (f) => f.severity],
      ['Gate', (f) => f.gate],
      ['Object', (f) => (typeof f.details?.type === 'string' ? `${f.details.type} ${f.object ?? ''}` : (f.object ?? ''))],
      ['SQLSTATE', (f) => f.details?.sqlState ?? ''],
      ['Error', (f) => f.details?.error ?? f.message],
      ['Finding', (f) => f.id],
    ]),
  );
  return out.join('\n');
}

function failureText(f: ReportFinding): string {
  const d = f.details ?? {};
  const lines = [f.id, f.message];
  for (const field of ['detail', 'hint', 'causedBy'] as const) if (typeof d[field] === 'string') lines.push(`${field}: ${d[field]}`);
  if (typeof d.sql === 'string') lines.push('', d.sql);
  return lines.join('\n');
}
