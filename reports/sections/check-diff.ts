import { readableSnapshot, type SnapshotSide } from './check-data.js';
import { type DiffReport, type ReportCheck, type ReportFinding, countSeverities } from '../diff-report.js';
import { escapeHtml as h } from '../escape.js';
import { SEVERITY_ORDER, type Severity } from '../../checks/finding.js';
import { checkStatusHtml } from './check-status-html.js';
import { findingValues, type ValuePair } from './finding-values.js';
import { noteHtml, plural, sectionHtml } from './section.js';
import { SEVERITIES, severityFilterHtml } from './severity-filter.js';
import { changeHtml, valueHtml } from './value-html.js';

/**
 * What changed, by check: each check's findings grouped by severity with their before and after
 * values side by side, a severity filter that works without scripts (checkboxes and CSS `:has()`),
 * then the checks without findings with their status before and after. The snapshots, when
 * given, add the full error of a check that failed.
 */
export function checkDiffSectionHtml(report: DiffReport, pre?: SnapshotSide, post?: SnapshotSide): string {
  const byCheck = new Map<string, ReportFinding[]>();
  for (const f of report.findings) byCheck.set(f.checkId, [...(byCheck.get(f.checkId) ?? []), f]);
  const known = new Map(report.checks.map((c) => [c.id, c]));
  const top = (id: string) => Math.max(...(byCheck.get(id) ?? []).map((f) => SEVERITY_ORDER[f.severity]));
  // Most severe check first; catalog order among equals (the sort is stable for checks the report does not list).
  const withFindings = [...byCheck.keys()].sort((a, b) => top(b) - top(a) || indexOf(report, a) - indexOf(report, b));
  const quiet = report.checks.filter((c) => !byCheck.has(c.id));
  // Counted here rather than read from the summary, so the filter's counts match what is listed.
  const counts = countSeverities(report.findings);
  const summary = report.findings.length
    ? `${plural(report.findings.length, 'finding')} in ${plural(withFindings.length, 'check')}: ${counts.fail} fail, ${counts.warn} warn, ${counts.info} info. ${plural(quiet.length, 'check')} without findings.`
    : // Not "ran": the list below holds skipped, failed and absent checks too, and the count must match it.
      `No findings: nothing that the checks compare changed. ${plural(quiet.length, 'check')} without findings, ${quiet.filter(okBothSides).length} of them ok before and after.`;
  const groups = withFindings.map((id) => checkGroupHtml(id, known.get(id), byCheck.get(id) ?? [], pre, post));
  return sectionHtml(
    'check-diff',
    'What changed: check findings',
    `${noteHtml(summary)}
${report.findings.length ? severityFilterHtml(counts) : ''}
${groups.join('\n')}
${quiet.length ? quietChecksHtml(quiet, pre, post) : ''}`,
    'cd',
  );
}

function okBothSides(c: ReportCheck): boolean {
  return c.pre?.status === 'ok' && c.post?.status === 'ok';
}

function indexOf(report: DiffReport, id: string): number {
  const i = report.checks.findIndex((c) => c.id === id);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

function checkGroupHtml(id: string, check: ReportCheck | undefined, findings: ReportFinding[], pre?: SnapshotSide, post?: SnapshotSide): string {
  const present = SEVERITIES.filter((s) => findings.some((f) => f.severity === s));
  const title = check && check.title !== id ? ` <span class="muted">${h(check.title)}</span>` : '';
  const status = check
    ? `<div class="cd-status">before ${checkStatusHtml(check.pre, readableSnapshot(pre), id)} after ${checkStatusHtml(check.post, readableSnapshot(post), id)}</div>`
    : '';
  const bySeverity = present.map((severity) => severityGroupHtml(severity, findings.filter((f) => f.severity === severity)));
  return `<div class="cd-check ${present.map((s) => `cd-has-${s}`).join(' ')}">
<h3><code>${h(id)}</code>${title}</h3>
${status}
${bySeverity.join('\n')}
</div>`;
}

function severityGroupHtml(severity: Severity, findings: ReportFinding[]): string {
  const sorted = [...findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const withChange = sorted.some((f) => findingValues(f.details).change.length > 0);
  return `<div class="cd-sev cd-sev-${severity}">
<table class="cd-findings">
<thead><tr><th><span class="badge sev-${severity}">${severity}</span> ${sorted.length}</th><th>Before</th><th>After</th>${withChange ? '<th class="num">Change</th>' : ''}</tr></thead>
<tbody>
${sorted.map((f) => findingRowHtml(f, withChange)).join('\n')}
</tbody>
</table>
</div>`;
}

function findingRowHtml(f: ReportFinding, withChange: boolean): string {
  const values = findingValues(f.details);
  const gate = f.gate === 'ok' ? '' : ` <span class="gate-${h(f.gate)}">${f.gate === 'failing' ? 'fails the gate' : 'allowed by the gate'}</span>`;
  const notes = [
    f.object ? `<span class="muted">on</span> ${h(f.object)}` : '',
    f.preExisting ? '<span class="muted">already present before</span>' : '',
    `<code class="muted">${h(f.id)}</code>`,
  ].filter(Boolean);
  const other = values.other.length
    ? `<div class="details cd-other">${values.other.map((o) => `<div><span class="cd-key">${h(o.label)}:</span> ${valueHtml(o.value)}</div>`).join('')}</div>`
    : '';
  const message = `<div>${h(f.message)}${gate}</div><div class="cd-notes">${notes.join(' · ')}</div>${other}`;
  if (values.pairs.length === 0 && values.change.length === 0) return `<tr><td colspan="${withChange ? 4 : 3}">${message}</td></tr>`;
  const labelled = values.pairs.length > 1 || values.pairs.some((p) => p.label !== '');
  const side = (get: (p: ValuePair) => [boolean, unknown]) =>
    values.pairs
      .map((p) => {
        const [has, value] = get(p);
        const label = labelled && p.label ? `<span class="cd-key">${h(p.label)}:</span> ` : '';
        return `<div>${label}${has ? valueHtml(value) : '<span class="muted">—</span>'}</div>`;
      })
      .join('');
  return `<tr>
<td>${message}</td>
<td class="cd-before">${side((p) => [p.hasBefore, p.before])}</td>
<td class="cd-after">${side((p) => [p.hasAfter, p.after])}</td>
${withChange ? `<td class="num">${values.change.map((c) => `<div>${changeHtml(c.label, c.value)}</div>`).join('')}</td>` : ''}
</tr>`;
}

function quietChecksHtml(checks: ReportCheck[], pre?: SnapshotSide, post?: SnapshotSide): string {
  const rows = checks.map(
    (c) => `<tr><td class="nowrap"><code>${h(c.id)}</code></td><td>${h(c.title)}</td><td>${checkStatusHtml(c.pre, readableSnapshot(pre), c.id)}</td><td>${checkStatusHtml(c.post, readableSnapshot(post), c.id)}</td></tr>`,
  );
  return `<h3>Checks without findings</h3>
<table class="cd-quiet">
<thead><tr><th>Check</th><th>Title</th><th>Before</th><th>After</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
