import { sideEngine, sidePlace } from '../validate/result.js';
import type { ShownValue, TableResult } from '../validate/result.js';
import { dataFindingKind } from '../validate/data-findings.js';
import { DATA_RESULT_CSS, durationText, validationResultHtml } from './data-result-html.js';
import { gateProperties, type ReportFinding } from './diff-report.js';
import { escapeHtml as h, escapeMarkdown as md } from './escape.js';
import { htmlPage } from './html-page.js';
import { renderJunitSuite } from './junit-suite.js';
import { findingsAndGate, findingsTable } from './markdown.js';
import { validationMarkdown } from './sections/data-section.js';
import type { ValidateReport } from './validate-report.js';

/**
 * `--json`: the whole validation result as before (tables, summary, outcome), plus the gate's
 * `verdict`, its policy and counts, and every `data/*` finding with its gate outcome.
 */
export function renderValidateJson(report: ValidateReport): string {
  const { result, verdict, gate, summary, findings } = report;
  return `${JSON.stringify({ ...result, verdict, gate: { ...gate, findings: summary.findings, failing: summary.failing, allowed: summary.allowed }, findings }, null, 2)}\n`;
}

/** `--html`: a self-contained page: the verdict, the findings and the gate, then every table and its differences. */
export function renderValidateHtml(report: ValidateReport): string {
  const { result } = report;
  const title = `cutover validate: ${report.verdict} — ${sidePlace(result.source)} → ${sidePlace(result.target)}`;
  const intro = `<p class="muted">Generated ${h(report.generatedAt)} by cutover ${h(report.tool.version)}. The gate fails on ${h(report.gate.failOn.join(', ') || 'nothing')}${report.gate.allow.length ? ` and allows ${h(report.gate.allow.join(', '))}` : ''}: ${report.summary.failing} failing, ${report.summary.allowed} allowed.</p>`;
  const body = `${intro}
<section class="rs-section" id="findings">
<h2>Findings</h2>
${findingsHtml(report.findings)}
</section>
<section class="rs-section" id="data">
<h2>Data</h2>
${validationResultHtml(result)}
</section>`;
  return htmlPage(title, report.verdict, body, `${DATA_RESULT_CSS}${FINDINGS_CSS}`, 'cutover validate');
}

function findingsHtml(findings: readonly ReportFinding[]): string {
  if (findings.length === 0) return '<p class="muted">No findings: every table is equal.</p>';
  return `<table class="dv-findings">
<thead><tr><th>Severity</th><th>Gate</th><th>Finding</th><th>Message</th></tr></thead>
<tbody>
${findings.map((f) => `<tr data-finding="${h(f.id)}"><td><span class="badge sev-${h(f.severity)}">${h(f.severity)}</span></td><td><span class="gate-${h(f.gate)}">${h(f.gate)}</span></td><td class="mono">${h(f.id)}</td><td>${h(f.message)}</td></tr>`).join('\n')}
</tbody>
</table>`;
}

const FINDINGS_CSS = `
.dv-findings td.mono { overflow-wrap: anywhere; }
`;

/**
 * `--junit`: one testcase per table (classname `data`, the table's time), a `<failure>` for each of
 * its findings that fails the gate; a stopped run adds a testcase for the stop itself.
 */
export function renderValidateJunit(report: ValidateReport): string {
  const { result } = report;
  const byTable = new Map<string, ReportFinding[]>();
  for (const f of report.findings) if (f.object !== undefined) byTable.set(f.object, [...(byTable.get(f.object) ?? []), f]);
  const runLevel = report.findings.filter((f) => f.object === undefined);
  return renderJunitSuite({
    name: 'cutover validate',
    timestamp: result.startedAt,
    timeMs: result.durationMs,
    properties: [
      ['verdict', report.verdict],
      ['outcome', result.outcome],
      ['source.server', result.source.version],
      ['target.server', result.target.version],
      ...gateProperties(report),
    ],
    cases: [
      ...result.tables.map((t) => ({ classname: 'data', name: t.table, timeMs: t.durationMs, findings: byTable.get(t.table) ?? [], ...skipped(t) })),
      ...(runLevel.length ? [{ classname: 'data', name: 'validation', timeMs: result.durationMs, findings: runLevel }] : []),
    ],
    failureText: (f) => failureText(f, result.tables),
  });
}

/** A table that was not compared is a skipped test unless its finding fails the gate. */
function skipped(t: TableResult): { skipped?: string } {
  return t.status === 'error' ? { skipped: t.reason ?? 'not compared' } : {};
}

/** Lines of a failing finding in JUnit: its id and message, then its first rows (changed ones with both values of each column). */
function failureText(f: ReportFinding, tables: readonly TableResult[]): string {
  const lines = [f.id, f.message];
  const t = tables.find((x) => x.table === f.object);
  const kind = dataFindingKind(f);
  const keyed = kind === 'missing' ? t?.missingRows : kind === 'extra' ? t?.extraRows : undefined;
  if (t && keyed && t.localised) lines.push('first keys:', ...keyed.slice(0, JUNIT_ROWS).map((r) => `  ${keyText(r.key)}`));
  if (t && kind === 'changed') {
    lines.push('first rows:');
    for (const r of t.changedRows.slice(0, JUNIT_ROWS)) {
      lines.push(`  ${keyText(r.key)}`, ...r.columns.map((c) => `    ${c.column}: ${valueText(c.source)} -> ${valueText(c.target)}`));
    }
  }
  if (t && !t.localised && (kind === 'missing' || kind === 'extra')) {
    for (const r of t.multisetRows.slice(0, JUNIT_ROWS)) {
      lines.push(`  ${r.sourceCount} on the source, ${r.targetCount} on the target: (${Object.entries(r.values).map(([c, v]) => `${c}=${valueText(v)}`).join(', ')})`);
    }
  }
  return lines.join('\n');
}

/** Rows listed per failing finding in JUnit; the HTML and JSON outputs list what the result holds. */
const JUNIT_ROWS = 10;

function keyText(key: Record<string, string | null>): string {
  return Object.entries(key)
    .map(([c, v]) => `${c}=${v ?? 'NULL'}`)
    .join(', ');
}

function valueText(v: ShownValue): string {
  if (v.text === null) return 'NULL';
  return `${JSON.stringify(v.text)}${v.length !== undefined ? ` (${v.length} chars)` : ''}`;
}

/** `--md`: the verdict, the servers, the findings and the gate, then the tables not equal. */
export function renderValidateMarkdown(report: ValidateReport): string {
  const { result } = report;
  const out = [`## cutover validate: ${report.verdict.toUpperCase()}`, ''];
  out.push('| | source | target |', '|---|---|---|');
  out.push(`| Server | ${md(sideEngine(result.source))} | ${md(sideEngine(result.target))} |`);
  out.push(`| Endpoint | ${md(sidePlace(result.source))} | ${md(sidePlace(result.target))} |`, '');
  for (const note of result.notes ?? []) out.push(`> ${md(note)}`, '');
  out.push(`${findingsAndGate(report.summary, report.gate)} Took ${durationText(result.durationMs)}.`, '');
  out.push(
    ...findingsTable(report.findings, [
      ['Severity', (f) => f.severity],
      ['Gate', (f) => f.gate],
      ['Finding', (f) => f.id],
      ['Message', (f) => f.message],
    ]),
  );
  out.push(...validationMarkdown(result, 'Data'));
  return out.join('\n');
}
