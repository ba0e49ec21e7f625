import type { RunManifest } from '../scenarios/run-manifest.js';
import { describeEndpoint } from '../core/endpoint.js';
import { escapeHtml as h } from './escape.js';
import { htmlPage } from './html-page.js';
import { stepTableHtml } from './step-table.js';

/** The run's own section of a report: what ran, where, and the step table. */
export function runSectionHtml(run: RunManifest): string {
  const endpoints = Object.entries(run.endpoints)
    .map(([role, e]) => `<tr><th>${h(role)}</th><td>${h(describeEndpoint(e))}</td><td>${h(e.version ?? '')}</td></tr>`)
    .join('\n');
  return `<h2>Run</h2>
<table>
<tr><th>Name</th><td colspan="2">${h(run.name)}</td></tr>
<tr><th>Method</th><td colspan="2">${h(run.method)}</td></tr>
<tr><th>Started</th><td colspan="2">${h(run.startedAt)}${run.durationMs !== null ? ` <span class="muted">(${(run.durationMs / 1000).toFixed(1)} s in all)</span>` : ''}</td></tr>
${endpoints}
${run.error ? `<tr><th>Error</th><td colspan="2" class="gate-failing">${h(run.error)}</td></tr>` : ''}
</table>
<h2>Steps</h2>
${stepTableHtml(run)}`;
}

/** A report for a run that has no diff (it stopped before the post-checks). */
export function renderRunHtml(run: RunManifest): string {
  return htmlPage(
    `cutover: ${run.verdict} — ${run.name}`,
    run.verdict,
    `<p class="muted">Run ${h(run.name)} by cutover ${h(run.tool.version)}. The run stopped before the post-checks, so there is no diff.</p>
${runSectionHtml(run)}`,
  );
}
