import type { DiffReport, ReportCheck } from './diff-report.js';
import { escapeMarkdown as md } from './escape.js';
import { describeEndpoint } from '../core/endpoint.js';

/** Rows beyond this go to findings.json only: CI summaries have size limits (GitHub: 1 MiB). */
const MAX_ROWS = 200;

/** A Markdown summary (for a CI job summary or a pull request): verdict, servers, findings table. */
export function renderMarkdown(report: DiffReport): string {
  const { summary } = report;
  const out: string[] = [];
  out.push(`## cutover: ${report.verdict.toUpperCase()}`, '');
  out.push('| | pre | post |', '|---|---|---|');
  out.push(`| Server | ${md(report.pre.server.version)} | ${md(report.post.server.version)} |`);
  out.push(`| Endpoint | ${md(describeEndpoint(report.pre.endpoint))} | ${md(describeEndpoint(report.post.endpoint))} |`);
  out.push(`| Taken at | ${md(report.pre.takenAt)} | ${md(report.post.takenAt)} |`);
  out.push(
    `| Checks | ${statusLine(summary.checks.pre)} | ${statusLine(summary.checks.post)} |`,
    '',
  );
  out.push(
    `**Findings:** ${summary.findings.fail} fail, ${summary.findings.warn} warn, ${summary.findings.info} info. ` +
      `**Gate** (fails on ${md(report.gate.failOn.join(', ') || 'nothing')}): ${summary.failing} failing, ${summary.allowed} allowed.`,
    '',
  );
  if (report.findings.length > 0) {
    out.push('| Severity | Gate | Finding | Object | Message |', '|---|---|---|---|---|');
    for (const f of report.findings.slice(0, MAX_ROWS)) {
      out.push(`| ${f.severity} | ${f.gate} | ${md(f.id)} | ${md(f.object ?? '')} | ${md(f.message)} |`);
    }
    if (report.findings.length > MAX_ROWS) {
      out.push('', `…and ${report.findings.length - MAX_ROWS} more findings (see the JSON output).`);
    }
    out.push('');
  }
  const incomplete = report.checks.filter((c) => notOk(c));
  if (incomplete.length > 0) {
    out.push('**Checks not collected:**', '');
    for (const c of incomplete) out.push(`- ${md(c.id)}: ${md(describeStatus(c))}`);
    out.push('');
  }
  return out.join('\n');
}

function statusLine(c: { ok: number; skipped: number; error: number }): string {
  return `${c.ok} ok, ${c.skipped} skipped, ${c.error} error`;
}

function notOk(c: ReportCheck): boolean {
  return (c.pre !== undefined && c.pre.status !== 'ok') || (c.post !== undefined && c.post.status !== 'ok');
}

function describeStatus(c: ReportCheck): string {
  const side = (name: string, s: ReportCheck['pre']) =>
    s ? `${name} ${s.status}${s.reason ? ` (${s.reason})` : ''}` : `${name} absent`;
  return `${side('pre', c.pre)}; ${side('post', c.post)}`;
}
