import { describeEndpoint } from '../core/endpoint.js';
import type { DiffReport, ReportCheck, ReportCheckStatus, ReportFinding, ReportSide } from './diff-report.js';
import type { Severity } from './finding.js';
import { escapeHtml as h } from './escape.js';
import { detailLines } from './detail-text.js';
import { htmlPage } from './html-page.js';
import type { RunManifest } from '../scenarios/run-manifest.js';
import { runSectionHtml } from './run-html.js';

const SEVERITIES: { severity: Severity; heading: string }[] = [
  { severity: 'fail', heading: 'Failures' },
  { severity: 'warn', heading: 'Warnings' },
  { severity: 'info', heading: 'Information' },
];

export interface RenderHtmlOptions {
  /** The run the diff belongs to: its verdict heads the page, and its steps are shown first. */
  run?: RunManifest;
}

/**
 * A plain, self-contained HTML report: inline CSS, no scripts, nothing fetched (the CSP forbids
 * it). Every value that came from a database is escaped, so a table named `<script>` is text.
 */
export function renderHtml(report: DiffReport, options: RenderHtmlOptions = {}): string {
  const s = report.summary;
  const verdict = options.run?.verdict ?? report.verdict;
  const title = `cutover: ${verdict} — ${report.pre.server.version} → ${report.post.server.version}`;
  return htmlPage(
    title,
    verdict,
    `<p class="muted">Generated ${h(report.generatedAt)} by cutover ${h(report.tool.version)}.
${s.findings.fail} fail, ${s.findings.warn} warn, ${s.findings.info} info findings;
the gate fails on ${h(report.gate.failOn.join(', ') || 'nothing')}: ${s.failing} failing, ${s.allowed} allowed.</p>
${options.run ? runSectionHtml(options.run) : ''}
<h2>Servers</h2>
${serversTable(report.pre, report.post)}
${SEVERITIES.map(({ severity, heading }) => findingsSection(heading, report.findings.filter((f) => f.severity === severity))).join('\n')}
<h2>Checks</h2>
${checksTable(report.checks)}`,
  );
}

function serversTable(pre: ReportSide, post: ReportSide): string {
  const rows: [string, (x: ReportSide) => string][] = [
    ['Version', (x) => `${x.server.version} (${x.server.versionNum})`],
    ['Endpoint', (x) => describeEndpoint(x.endpoint)],
    ['Role', (x) => (x.server.inRecovery ? 'standby (in recovery)' : 'primary')],
    ['System identifier', (x) => x.server.systemIdentifier ?? '—'],
    ['Suite', (x) => x.suite],
    ['Taken at', (x) => x.takenAt],
  ];
  return `<table>
<tr><th></th><th>Before (pre)</th><th>After (post)</th></tr>
${rows.map(([label, get]) => `<tr><th>${h(label)}</th><td>${h(get(pre))}</td><td>${h(get(post))}</td></tr>`).join('\n')}
</table>`;
}

function findingsSection(heading: string, findings: ReportFinding[]): string {
  if (findings.length === 0) return '';
  const rows = findings.map(
    (f) => `<tr>
<td><span class="badge sev-${h(f.severity)}">${h(f.severity)}</span></td>
<td class="gate-${h(f.gate)}">${h(f.gate)}</td>
<td><code>${h(f.id)}</code></td>
<td>${h(f.object ?? '')}</td>
<td>${h(f.message)}${f.preExisting ? ' <span class="muted">(already present before)</span>' : ''}${details(f)}</td>
</tr>`,
  );
  return `<h2>${h(heading)} (${findings.length})</h2>
<table>
<tr><th>Severity</th><th>Gate</th><th>Finding</th><th>Object</th><th>Message</th></tr>
${rows.join('\n')}
</table>`;
}

function details(f: ReportFinding): string {
  if (!f.details || Object.keys(f.details).length === 0) return '';
  const items = Object.entries(f.details).map(([k, v]) => {
    const lines = detailLines(v);
    return lines.length === 1 ? `${h(k)}: ${h(lines[0])}` : `${h(k)}:<br>${lines.map((l) => `&nbsp;&nbsp;${h(l)}`).join('<br>')}`;
  });
  return `<div class="details mono">${items.join('<br>')}</div>`;
}

function checksTable(checks: ReportCheck[]): string {
  const rows = checks.map(
    (c) => `<tr>
<td class="nowrap"><code>${h(c.id)}</code></td>
<td>${h(c.title)}</td>
<td class="nowrap">${status(c.pre)}</td>
<td class="nowrap">${status(c.post)}</td>
<td>${c.findings.fail} / ${c.findings.warn} / ${c.findings.info}${c.failing > 0 ? ` <span class="gate-failing">(${c.failing} failing)</span>` : ''}</td>
</tr>`,
  );
  return `<table>
<tr><th>Check</th><th>Title</th><th>Before</th><th>After</th><th>Findings (fail / warn / info)</th></tr>
${rows.join('\n')}
</table>`;
}

function status(s: ReportCheckStatus | undefined): string {
  if (!s) return '<span class="badge status-absent">absent</span>';
  const reason = s.reason ? `<div class="details">${h(s.reason)}</div>` : '';
  const time = s.durationMs !== undefined ? ` <span class="muted">${s.durationMs} ms</span>` : '';
  return `<span class="badge status-${h(s.status)}">${h(s.status)}</span>${time}${reason}`;
}
