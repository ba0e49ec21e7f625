import type { RunManifest } from '../scenarios/run-manifest.js';
import { renderReportPage } from './report-page.js';

/** A report for a run that has no diff (it stopped before the post-checks, or is still running). */
export function renderRunHtml(run: RunManifest, options: { chartsHtml?: string; pngNote?: string; cloudwatchHtml?: string } = {}): string {
  return renderReportPage({ run, ...options });
}
