import { describeEndpoint } from '../core/endpoint.js';
import { readSnapshot, type Snapshot } from '../checks/snapshot.js';
import { diffAndGate } from '../reports/diff-and-gate.js';
import type { DiffReport, ReportSide } from '../reports/diff-report.js';
import { renderHtml } from '../reports/html.js';
import { renderJson } from '../reports/json.js';
import { renderJunit } from '../reports/junit.js';
import { renderMarkdown } from '../reports/markdown.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { assertWritable } from './output-path.js';
import { writeOutput } from './write-output.js';
import { printGateLines } from './terminal-lines.js';
import { plain } from './io.js';

export interface DiffOptions {
  config?: string;
  json?: string;
  junit?: string;
  md?: string;
  html?: string;
}

const OUTPUTS = [
  { option: 'json', flag: '--json', render: (r: DiffReport) => renderJson(r) },
  { option: 'junit', flag: '--junit', render: (r: DiffReport) => renderJunit(r) },
  { option: 'md', flag: '--md', render: (r: DiffReport) => renderMarkdown(r) },
  // The page shows the snapshots' before/after tables and plan diffs too.
  // explain.timeRatio: the plan section colours times at the limit the findings used.
  { option: 'html', flag: '--html', render: (r: DiffReport, pre: Snapshot, post: Snapshot, timeRatio: number) => renderHtml(r, { pre, post, timeRatio }) },
] as const;

/** Failing findings listed on the terminal; the rest are in the files. */

/** Runs `cutover diff` with parsed arguments; returns the exit code. */
export async function runDiff(prePath: string, postPath: string, options: DiffOptions, runtime: CliRuntime): Promise<number> {
  const { config } = await loadCliConfig(options.config, runtime.cwd);
  const outputs = OUTPUTS.flatMap((o) => {
    const path = options[o.option];
    return path === undefined ? [] : [{ ...o, path, file: assertWritable(o.flag, path) }];
  });
  const [pre, post] = await Promise.all([readSnapshot(prePath), readSnapshot(postPath)]);
  if (pre.takenAt > post.takenAt) {
    runtime.io.err(`cutover: warning: ${plain(prePath)} was taken after ${plain(postPath)}; are PRE and POST swapped?`);
  }
  const report = diffAndGate(pre, post, config);
  for (const o of outputs) await writeOutput(o.file, o.render(report, pre, post, config.explain.timeRatio));
  printSummary(runtime, report, outputs.map((o) => o.path));
  return report.verdict === 'fail' ? 1 : 0;
}

function printSummary(runtime: CliRuntime, report: DiffReport, written: string[]): void {
  const { out } = runtime.io;
  const s = report.summary;
  const side = (x: ReportSide) => `PostgreSQL ${plain(x.server.version)} (${plain(describeEndpoint(x.endpoint))})`;
  out(`pre:  ${side(report.pre)}, checks ${s.checks.pre.ok} ok, ${s.checks.pre.skipped} skipped, ${s.checks.pre.error} error`);
  out(`post: ${side(report.post)}, checks ${s.checks.post.ok} ok, ${s.checks.post.skipped} skipped, ${s.checks.post.error} error`);
  printGateLines(runtime.io, report, written);
}
