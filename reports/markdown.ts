import type { Severity } from '../checks/finding.js';
import type { DiffReport, ReportCheck, ReportFinding } from './diff-report.js';
import type { GatePolicy } from './gate.js';
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
    `| Checks | ${statusLine(summary.checks.pre, notRun(report.checks, 'pre'))} | ${statusLine(summary.checks.post, notRun(report.checks, 'post'))} |`,
    '',
  );
  out.push(findingsAndGate(summary, report.gate), '');
  out.push(
    ...findingsTable(report.findings, [
      ['Severity', (f) => f.severity],
      ['Gate', (f) => f.gate],
      ['Finding', (f) => f.id],
      ['Object', (f) => f.object ?? ''],
      ['Message', (f) => f.message],
    ]),
  );
  const incomplete = report.checks.filter((c) => notOk(c));
  if (incomplete.length > 0) {
    out.push('**Checks not collected:**', '');
    for (const c of incomplete) out.push(`- ${md(c.id)}: ${md(describeStatus(c))}`);
    out.push('');
  }
  return out.join('\n');
}

/** The sentence counting findings by severity and gate outcomes, under the gate's policy. */
export function findingsAndGate(
  summary: { findings: Record<Severity, number>; failing: number; allowed: number },
  gate: Pick<GatePolicy, 'failOn'>,
): string {
  const { findings } = summary;
  return (
    `**Findings:** ${findings.fail} fail, ${findings.warn} warn, ${findings.info} info. ` +
    `**Gate** (fails on ${md(gate.failOn.join(', ') || 'nothing')}): ${summary.failing} failing, ${summary.allowed} allowed.`
  );
}

/** A findings table with one column per `[header, cell]` (cells escaped), at most MAX_ROWS rows; no lines when empty. */
export function findingsTable(findings: readonly ReportFinding[], columns: readonly (readonly [header: string, cell: (f: ReportFinding) => unknown])[]): string[] {
  if (findings.length === 0) return [];
  const out = [`| ${columns.map(([header]) => header).join(' | ')} |`, `|${columns.map(() => '---|').join('')}`];
  for (const f of findings.slice(0, MAX_ROWS)) out.push(`| ${columns.map(([, cell]) => md(cell(f))).join(' | ')} |`);
  if (findings.length > MAX_ROWS) out.push('', `…and ${findings.length - MAX_ROWS} more findings (see the JSON output).`);
  out.push('');
  return out;
}

/** The counts of one side; checks absent on that side are counted too, so the counts add up to the checks listed. */
function statusLine(c: { ok: number; skipped: number; error: number }, notRunCount: number): string {
  return `${c.ok} ok, ${c.skipped} skipped, ${c.error} error${notRunCount ? `, ${notRunCount} not run` : ''}`;
}

function notRun(checks: ReportCheck[], side: 'pre' | 'post'): number {
  return checks.filter((c) => c[side] === undefined).length;
}

/** A check not collected on a side: skipped, failed, or absent there (run on the other side only). */
function notOk(c: ReportCheck): boolean {
  return c.pre?.status !== 'ok' || c.post?.status !== 'ok';
}

function describeStatus(c: ReportCheck): string {
  const side = (name: string, s: ReportCheck['pre']) =>
    s ? `${name} ${s.status}${s.reason ? ` (${s.reason})` : ''}` : `${name} not run`;
  return `${side('pre', c.pre)}; ${side('post', c.post)}`;
}
