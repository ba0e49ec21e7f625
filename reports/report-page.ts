import type { RunManifest } from '../run/manifest.js';
import type { DiffReport } from './diff-report.js';
import { escapeHtml as h } from './escape.js';
import { errorRecordHtml } from './html-error.js';
import { htmlPage } from './html-page.js';
import { runMetadataHtml } from './run-metadata.js';
import { stepTableHtml } from './step-table.js';
import { verdictBannerHtml } from './verdict-banner.js';
import type { VerdictReasonOptions } from './verdict-reasons.js';
import { windowsSectionHtml } from './windows-html.js';
import { stoppedHarnessHtml, stoppedSentence, type StoppedHarness } from './stopped-harness.js';
import { serversTableHtml } from './servers-table.js';
import { checkDiffSectionHtml, extensionUpdatesSectionHtml, extensionsSectionHtml, planDiffsSectionHtml, rowCountsSectionHtml, settingsSectionHtml, SECTIONS_CSS } from './sections/index.js';
import type { SnapshotSide } from './sections/check-data.js';
import type { PlanDiffsOptions } from './sections/plan-diffs-section.js';
import { dataSectionHtml } from './sections/data-section.js';
import { migrationSectionHtml } from './migration-html.js';
import { DATA_RESULT_CSS } from './data-result-html.js';
import { baselineSectionHtml, type BaselineComparisonHtml } from './baseline-html.js';

/** Everything one report page can show; each part is optional and its section says when it is missing. */
export interface ReportInput {
  run?: RunManifest;
  diff?: DiffReport;
  /** The snapshots, or why a snapshot present in the run directory could not be read. */
  pre?: SnapshotSide;
  post?: SnapshotSide;
  /** Why findings.json, present in the run directory, could not be read. */
  findingsUnreadable?: string;
  /** `explain.timeRatio` of the configuration, when no run (whose run.json keeps it) is given. */
  timeRatio?: number;
  /** What a run still marked `running` left behind: when its harness stopped, what it recorded. */
  stopped?: StoppedHarness;
  /** The charts section, rendered from the run directory (reports/charts). */
  chartsHtml?: string;
  /** Files next to the report that a reader may want (PNG charts), or why they are missing. */
  pngNote?: string;
  /** The CloudWatch section (reports/sections/cloudwatch-section.ts), when the run fetched metrics. */
  cloudwatchHtml?: string;
  /** Renders the comparison of a rehearsal's two baselines (blue, green) in the baseline section, when given. */
  compareBaselines?: BaselineComparisonHtml;
}

/**
 * The report a person reads before approving a cutover: the verdict and its reasons first, then
 * the steps and their downtime and lost writes, the windows, the charts, what changed (checks,
 * plans, extensions, settings, row counts), and what produced the run. Self-contained.
 */
export function renderReportPage(input: ReportInput): string {
  const { run, diff, pre, post } = input;
  const verdict = run?.verdict ?? diff?.verdict ?? 'error';
  // A move off SQLite names the file's library on the left: `SQLite 3.53.2 → PostgreSQL 17.10`.
  const versions = diff ? (run?.source ? `${diff.pre.server.version} → PostgreSQL ${diff.post.server.version}` : `PostgreSQL ${diff.pre.server.version} → ${diff.post.server.version}`) : (run?.name ?? '');
  const title = `cutover: ${verdict} — ${run ? run.name : diff ? `${diff.pre.server.version} → ${diff.post.server.version}` : ''}`;
  const parts: { id: string; label: string; html: string }[] = [];
  if (run) {
    if (input.stopped) parts.push({ id: 'stopped', label: 'Stopped', html: stoppedHarnessHtml(input.stopped) });
    // The banner names the run's error in a line; here is all its record keeps.
    if (run.error) parts.push({ id: 'run-error', label: 'Error', html: `<h2 id="run-error">Why the run could not complete</h2>\n<div class="run-error">${errorRecordHtml(run.error)}</div>` });
    // A run of `cutover baseline` has neither steps nor a soak: no empty sections to say so.
    if (run.method !== 'baseline') {
      parts.push({ id: 'steps', label: 'Steps', html: `<h2 id="steps">Steps</h2>\n${stepTableHtml(run)}` });
      parts.push({ id: 'windows', label: 'Outages', html: windowsSectionHtml(run) });
    }
    const updates = extensionUpdatesSectionHtml(run);
    if (updates) parts.push({ id: 'extension-updates', label: 'Extension updates', html: updates });
  }
  if (input.chartsHtml) parts.push({ id: 'charts', label: 'Charts', html: `${input.chartsHtml}${input.pngNote ? `\n<p class="muted">${h(input.pngNote)}</p>` : ''}` });
  if (input.cloudwatchHtml) parts.push({ id: 'cloudwatch', label: 'CloudWatch', html: input.cloudwatchHtml });
  // A run of `cutover baseline`, or a rehearsal with a `baseline` section.
  const baselineHtml = run ? baselineSectionHtml(run, input.compareBaselines) : undefined;
  if (baselineHtml) parts.push({ id: 'baseline', label: 'Baseline', html: baselineHtml });
  // Shown only when the run validated data (run.json's `data`).
  if (run?.data) parts.push({ id: 'data', label: 'Data', html: dataSectionHtml(run.data) });
  // A move off SQLite: the rollback matrix, each figure beside the finding it decided.
  if (run?.migration) parts.push({ id: 'migration', label: 'Migration', html: migrationSectionHtml(run.migration.result, (diff?.findings ?? []).filter((f) => f.checkId === 'migration')) });
  if (diff) {
    parts.push({ id: 'check-diff', label: 'Check diff', html: checkDiffSectionHtml(diff, pre, post) });
    parts.push({ id: 'plan-diffs', label: 'Plans', html: planDiffsSectionHtml(pre, post, input.timeRatio !== undefined ? { timeRatio: input.timeRatio } : planOptions(run)) });
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
    ? `<p class="muted">Generated ${h(diff.generatedAt)} by cutover ${h(diff.tool.version)}${run ? ` for run ${h(run.name)} (${h(run.method)})` : ''}: ${h(versions)}. The gate fails on ${h(diff.gate.failOn.join(', ') || 'nothing')}: ${diff.summary.failing} failing, ${diff.summary.allowed} allowed.</p>`
    : run
      ? `<p class="muted">Run ${h(run.name)} (${h(run.method)}) by cutover ${h(run.tool.version)}. ${h(input.stopped ? stoppedSentence(input.stopped) : noDiffWhy(run, input.findingsUnreadable))}</p>`
      : '';
  return htmlPage(title, verdict, `${intro}\n${verdictBannerHtml(verdict, run, diff, { ...unreadableInputs(input), ...(input.stopped ? { stopped: input.stopped } : {}) })}\n${nav}\n${parts.map((p) => p.html).join('\n')}`, run?.data ? `${SECTIONS_CSS}${DATA_RESULT_CSS}` : SECTIONS_CSS);
}

/** Why a run's page has no check diff, from what its directory holds (never a guess). */
function noDiffWhy(run: RunManifest, findingsUnreadable: string | undefined): string {
  if (findingsUnreadable !== undefined) return `Its findings.json is unreadable: ${findingsUnreadable}; so the check diff cannot be shown.`;
  if (run.verdict === 'running') return 'The run has not finished (or died before it could).';
  if (run.method === 'soak') return 'A soak runs no checks, so there is no check diff.';
  if (run.method === 'baseline') return 'A baseline runs no checks, so there is no check diff.';
  return 'The run stopped before the post-checks, so there is no check diff.';
}

/** Inputs present in the run directory that could not be read, for the banner's reasons. */
export function unreadableInputs(input: Pick<ReportInput, 'pre' | 'post' | 'findingsUnreadable'>): VerdictReasonOptions {
  const unreadable = (['pre', 'post'] as const).flatMap((side) => {
    const s = input[side];
    return s && 'unreadable' in s ? [`${side}.snapshot.json is unreadable: ${s.unreadable}`] : [];
  });
  return { ...(input.findingsUnreadable !== undefined ? { findingsUnreadable: input.findingsUnreadable } : {}), ...(unreadable.length ? { unreadable } : {}) };
}

/** The run's configured `explain.timeRatio` (run.json keeps the resolved configuration), when it has one. */
function planOptions(run: RunManifest | undefined): PlanDiffsOptions {
  const checks = run?.config.checks as { explain?: { timeRatio?: unknown } } | undefined;
  const timeRatio = checks?.explain?.timeRatio;
  return typeof timeRatio === 'number' && timeRatio > 0 ? { timeRatio } : {};
}
