import { describeEndpoint } from '../../core/endpoint.js';
import type { ReportFinding } from '../diff-report.js';
import { escapeMarkdown as md, escapeXml, escapeXmlAttr } from '../escape.js';
import { COMPAT_CHECKS, type CompatReport } from './compat-report.js';

/** Rows beyond this go to the JSON output only: CI summaries have size limits. */
const MAX_ROWS = 200;

/** The compat report as JSON: verdict, source and target, summary, every finding with its gate outcome. */
export function renderCompatJson(report: CompatReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * JUnit XML for CI: per check, one testcase per object with a finding (a `<failure>` when it
 * fails the gate), or one passing testcase when the check found nothing.
 */
export function renderCompatJunit(report: CompatReport): string {
  const cases: { xml: string; failed: boolean; skipped: boolean }[] = [];
  for (const check of COMPAT_CHECKS) {
    const own = report.findings.filter((f) => f.checkId === check.id);
    const skippedUpgrade = check.id === 'compat.pg-upgrade' && report.pgUpgradeCheck?.status !== 'passed' && own.length === 0;
    if (own.length === 0) {
      const skipReason = report.pgUpgradeCheck?.reason ?? 'the source is not a local server';
      cases.push({
        xml: skippedUpgrade
          ? `    <testcase classname="${check.id}" name="${escapeXmlAttr(check.title)}" time="0.000">\n      <skipped message="${escapeXmlAttr(skipReason)}"/>\n    </testcase>`
          : `    <testcase classname="${check.id}" name="${escapeXmlAttr(check.title)}" time="0.000"/>`,
        failed: false,
        skipped: skippedUpgrade,
      });
      continue;
    }
    const byObject = new Map<string, ReportFinding[]>();
    for (const f of own) byObject.set(f.object ?? f.key, [...(byObject.get(f.object ?? f.key) ?? []), f]);
    for (const [object, findings] of byObject) {
      const failing = findings.filter((f) => f.gate === 'failing');
      const body = failing.map((f) => `      <failure message="${escapeXmlAttr(f.message)}" type="${escapeXmlAttr(f.severity)}">${escapeXml(failureText(f))}</failure>`);
      const others = findings.filter((f) => f.gate !== 'failing');
      if (others.length > 0) body.push(`      <system-out>${escapeXml(others.map((f) => `[${f.severity}${f.gate === 'allowed' ? ', allowed' : ''}] ${f.id}: ${f.message}`).join('\n'))}</system-out>`);
      const type = typeof findings[0]?.details?.type === 'string' ? `${findings[0].details.type} ` : '';
      cases.push({
        xml: [`    <testcase classname="${check.id}" name="${escapeXmlAttr(`${type}${object}`)}" time="0.000">`, ...body, '    </testcase>'].join('\n'),
        failed: failing.length > 0,
        skipped: false,
      });
    }
  }
  const counts = `tests="${cases.length}" failures="${cases.filter((c) => c.failed).length}" errors="0" skipped="${cases.filter((c) => c.skipped).length}" time="${(report.durationMs / 1000).toFixed(3)}"`;
  const properties = [
    ['verdict', report.verdict],
    ['source.server', report.source.version],
    ['target.server', report.target.version],
    ['gate.failOn', report.gate.failOn.join(',')],
    ['gate.failing', String(report.summary.failing)],
  ].map(([name, value]) => `      <property name="${escapeXmlAttr(name)}" value="${escapeXmlAttr(value)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cutover compat" ${counts}>`,
    `  <testsuite name="cutover compat" ${counts} timestamp="${escapeXmlAttr(report.generatedAt)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A Markdown summary for a CI job or a pull request: verdict, servers, every refused statement. */
export function renderCompatMarkdown(report: CompatReport): string {
  const s = report.summary;
  const out: string[] = [`## cutover compat: ${report.verdict.toUpperCase()}`, ''];
  out.push('| | source | target |', '|---|---|---|');
  out.push(`| Server | ${md(report.source.version)} | ${md(report.target.version)} (${md(report.target.server)}) |`);
  out.push(`| Endpoint | ${md(describeEndpoint(report.source.endpoint))} | throwaway |`, '');
  out.push(
    `**Schema:** ${s.entries} entries, ${s.failedEntries} refused by the target; ${s.roles} roles. ` +
      `**Findings:** ${s.findings.fail} fail, ${s.findings.warn} warn, ${s.findings.info} info. ` +
      `**Gate** (fails on ${md(report.gate.failOn.join(', ') || 'nothing')}): ${s.failing} failing, ${s.allowed} allowed.`,
    '',
  );
  if (report.pgUpgradeCheck) {
    out.push(`**pg_upgrade --check:** ${report.pgUpgradeCheck.status}${report.pgUpgradeCheck.reason ? ` (${md(report.pgUpgradeCheck.reason)})` : ''}`, '');
  }
  if (report.findings.length > 0) {
    out.push('| Severity | Gate | Object | SQLSTATE | Error | Finding |', '|---|---|---|---|---|---|');
    for (const f of report.findings.slice(0, MAX_ROWS)) {
      const d = f.details ?? {};
      const object = typeof d.type === 'string' ? `${d.type} ${f.object ?? ''}` : (f.object ?? '');
      out.push(`| ${f.severity} | ${f.gate} | ${md(object)} | ${md(d.sqlState ?? '')} | ${md(d.error ?? f.message)} | ${md(f.id)} |`);
    }
    if (report.findings.length > MAX_ROWS) out.push('', `…and ${report.findings.length - MAX_ROWS} more findings (see the JSON output).`);
    out.push('');
  }
  return out.join('\n');
}

function failureText(f: ReportFinding): string {
  const d = f.details ?? {};
  const lines = [f.id, f.message];
  for (const field of ['detail', 'hint', 'causedBy'] as const) if (typeof d[field] === 'string') lines.push(`${field}: ${d[field]}`);
  if (typeof d.sql === 'string') lines.push('', d.sql);
  return lines.join('\n');
}
