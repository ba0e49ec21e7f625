import type { SnapshotSide } from './sections/check-data.js';
import type { DiffReport } from './diff-report.js';
import type { RunManifest } from '../run/manifest.js';
import { renderReportPage } from './report-page.js';

export interface RenderHtmlOptions {
  /** The run the diff belongs to: its verdict heads the page, and its steps are shown first. */
  run?: RunManifest;
  /** The snapshots the diff came from: they give the before/after tables and plan diffs. */
  pre?: SnapshotSide;
  post?: SnapshotSide;
  /** The charts section of the run (reports/charts). */
  chartsHtml?: string;
  pngNote?: string;
  /** `explain.timeRatio` of the configuration the diff used, when there is no run to read it from. */
  timeRatio?: number;
  /** The CloudWatch section of the run (reports/sections). */
  cloudwatchHtml?: string;
}

/**
 * A self-contained HTML report of a diff (and of its run, when given): inline CSS and scripts,
 * nothing fetched (the CSP forbids it). Every value that came from a database is escaped, so a
 * table named `<script>` is text.
 */
export function renderHtml(report: DiffReport, options: RenderHtmlOptions = {}): string {
  return renderReportPage({ ...options, diff: report });
}
