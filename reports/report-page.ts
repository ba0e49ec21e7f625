import type { Snapshot } from '../checks/snapshot.js';
import type { RunManifest } from '../scenarios/run-manifest.js';
import type { DiffReport } from './diff-report.js';
import { escapeHtml as h } from './escape.js';
import { htmlPage } from './html-page.js';
import { runMetadataHtml } from './run-metadata.js';
import { stepTableHtml } from './step-table.js';
import { verdictBannerHtml } from './verdict-banner.js';
import { windowsSectionHtml } from './windows-html.js';
import { serversTableHtml } from './servers-table.js';
import { checkDiffSectionHtml, extensionsSectionHtml, planDiffsSectionHtml, rowCountsSectionHtml, settingsSectionHtml, SECTIONS_CSS } from './sections/index.js';

/** Everything one report page can show; each part is optional and its section says when it is missing. */
export interface ReportInput {
  run?: RunManifest;
  diff?: DiffReport;
  pre?: Snapshot;
  post?: Snapshot;
  /** The charts section, rendered from the run directory (reports/charts). */
  chartsHtml?: string;
  /** Files next to the report that a reader may want (PNG charts), or why they are missing. */
  pngNote?: string;
  /** The CloudWatch section (reports/sections/cloudwatch-section.ts), when the run fetched metrics. */
  cloudwatchHtml?: string;
}

/**
 * The report a person reads before approving a cutover: the verdict and its reasons first, then
 * the steps and their downtime and lost writes, the windows, the charts, what changed (checks,
 * plans, extensions, settings, row counts), and what produced the run. Self-contained.
 */
export function renderReportPage(input: ReportInput): string {
  const { run, diff, pre, post } = input;
  const verdict = run?.verdict ?? diff?.verdict ?? 'error';
  const versions = diff ? `${diff.pre.server.version} → ${diff.post.server.version}` : (run?.name ?? '');
  const title = `cutover: ${verdict} — ${run ? run.name : versions}`;
  const parts: { id: string; label: string; html: string }[] = [];
  if (run) {
    parts.push({ id: 'steps', label: 'Steps', html: `<h2 id="steps">Steps</h2>\n${stepTableHtml(run)}` });
    parts.push({ id: 'windows', label: 'Outages', html: windowsSectionHtml(run) });
  }
  if (input.chartsHtml) parts.push({ id: 'charts', label: 'Charts', html: `${input.chartsHtml}${input.pngNote ? `\n<p class="muted">${h(input.pngNote)}</p>` : ''}` });
  if (input.cloudwatchHtml) parts.push({ id: 'cloudwatch', label: 'CloudWatch', html: input.cloudwatchHtml });
  if (diff) {
    parts.push({ id: 'check-diff', label: 'Check diff', html: checkDiffSectionHtml(diff, pre, post) });
    parts.push({ id: 'plan-diffs', label: 'Plans', html: planDiffsSectionHtml(pre, post) });
    parts.push({ id: 'extensions-diff', label: 'Extensions', html: extensionsSectionHtml(pre, post) });
    parts.push({ id: 'settings-diff', label: 'Settings', html: settingsSectionHtml(pre, post) });
    parts.push({
      id: 'row-counts-diff',
      label: 'Row counts',
      html: rowCountsSectionHtml(pre, post, { ...(run?.soak ? { soakSchema: run.soak.schema } : {}), ...(run?.soak?.summary ? { soakWrites: run.soak.summary.confirmed } : {}) }),
    });
    parts.push({ id: 'servers', label: 'Servers', html: `<h2 id="servers">Servers</h2>\n${serversTableHtml(diff)}` });
  }
  if (run) parts.push({ id: 'metadata', label: 'Metadata', html: runMetadataHtml(run) });
  const nav = `<nav class="toc">${parts.map((p) => `<a href="#${p.id}">${h(p.label)}</a>`).join('')}</nav>`;
  const intro = diff
    ? `<p class="muted">Generated ${h(diff.generatedAt)} by cutover ${h(diff.tool.version)}${run ? ` for run ${h(run.name)} (${h(run.method)})` : ''}: PostgreSQL ${h(versions)}. The gate fails on ${h(diff.gate.failOn.join(', ') || 'nothing')}: ${diff.summary.failing} failing, ${diff.summary.allowed} allowed.</p>`
    : run
      ? `<p class="muted">Run ${h(run.name)} (${h(run.method)}) by cutover ${h(run.tool.version)}.${run.verdict === 'running' ? ' The run has not finished (or died before it could).' : ' The run stopped before the post-checks, so there is no check diff.'}</p>`
      : '';
  return htmlPage(title, verdict, `${intro}\n${verdictBannerHtml(verdict, run, diff)}\n${nav}\n${parts.map((p) => p.html).join('\n')}`, SECTIONS_CSS);
}
