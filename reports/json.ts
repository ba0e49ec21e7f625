import type { DiffReport } from './diff-report.js';

/** The report model as JSON (`findings.json`): findings, verdict, summary, servers, check statuses. */
export function renderJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
