import { describeEndpoint } from '../core/endpoint.js';
import type { DiffReport, ReportSide } from './diff-report.js';
import { escapeHtml as h } from './escape.js';

/** The two servers of a diff side by side: version, endpoint, role, identity, suite, time. */
export function serversTableHtml(report: DiffReport): string {
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
${rows.map(([label, get]) => `<tr><th>${h(label)}</th><td>${h(get(report.pre))}</td><td>${h(get(report.post))}</td></tr>`).join('\n')}
</table>`;
}
