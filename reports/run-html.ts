import type { RunManifest } from '../run/manifest.js';
import { renderReportPage, type ReportInput } from './report-page.js';

/**
 * A report for a run that has no diff: a soak (no checks), a run that stopped before the
 * post-checks or is still running, or one whose findings.json is unreadable (the page says which).
 */
export function renderRunHtml(run: RunManifest, options: Omit<ReportInput, 'run' | 'diff'> = {}): string {
  return renderReportPage({ run, ...options });
}
