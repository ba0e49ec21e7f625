import type { Snapshot } from '../../checks/snapshot.js';
import type { ReportCheckStatus } from '../diff-report.js';
import { escapeHtml as h } from '../escape.js';

/**
 * A check's status on one side as a badge with its reason; for an error, the full message,
 * SQLSTATE, detail and hint from the snapshot when it is at hand (the report keeps the first line).
 */
export function checkStatusHtml(status: ReportCheckStatus | undefined, snapshot: Snapshot | undefined, checkId: string): string {
  if (!status) return '<span class="badge status-absent">not run</span>';
  const badge = `<span class="badge status-${h(status.status)}">${h(status.status)}</span>`;
  if (status.status === 'ok') return badge;
  const error = status.status === 'error' ? snapshot?.checks[checkId]?.error : undefined;
  const facts = error
    ? [
        ['SQLSTATE', error.sqlState],
        ['detail', error.detail],
        ['hint', error.hint],
      ].filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '')
    : [];
  const full = error && (facts.length > 0 || error.message.includes('\n'))
    ? `<details class="rs-error"><summary>full error</summary><div class="rs-lines mono">${h(error.message)}</div>${facts
        .map(([k, v]) => `<div>${h(k)}: ${h(v)}</div>`)
        .join('')}</details>`
    : '';
  return `${badge}<div class="details">${h(status.reason ?? '')}</div>${full}`;
}
