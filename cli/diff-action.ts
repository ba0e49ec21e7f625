import { describeEndpoint } from '../core/endpoint.js';
import { readSnapshot } from '../checks/snapshot.js';
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
import { findingLine } from './terminal-lines.js';
import { plain } from './io.js';

export interface DiffOptions {
  config?: string;
  json?: string;
  junit?: string;
  md?: string;
  html?: string;
}

const OUTPUTS = [
  { option: 'json', flag: '--json', render: renderJson },
  { option: 'junit', flag: '--junit', render: renderJunit },
  { option: 'md', flag: '--md', render: renderMarkdown },
  { option: 'html', flag: '--html', render: renderHtml },
] as const;

/** Failing findings listed on the terminal; the rest are in the files. */
const MAX_LINES = 50;

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
  for (const o of outputs) await writeOutput(o.file, o.render(report));
  printSummary(runtime, report, outputs.map((o) => o.path));
  return report.verdict === 'fail' ? 1 : 0;
}

function printSummary(runtime: CliRuntime, report: DiffReport, written: string[]): void {
  const { out, style } = runtime.io;
  const s = report.summary;
  const side = (x: ReportSide) => `PostgreSQL ${plain(x.server.version)} (${plain(describeEndpoint(x.endpoint))})`;
  out(`pre:  ${side(report.pre)}, checks ${s.checks.pre.ok} ok, ${s.checks.pre.skipped} skipped, ${s.checks.pre.error} error`);
  out(`post: ${side(report.post)}, checks ${s.checks.post.ok} ok, ${s.checks.post.skipped} skipped, ${s.checks.post.error} error`);
  out(`findings: ${s.findings.fail} fail, ${s.findings.warn} warn, ${s.findings.info} info`);
  const failing = report.findings.filter((f) => f.gate === 'failing');
  if (failing.length > 0) {
    out(`failing the gate (${failing.length}):`);
    for (const f of failing.slice(0, MAX_LINES)) out(`  ${findingLine(f, style)}`);
    if (failing.length > MAX_LINES) out(`  …and ${failing.length - MAX_LINES} more (write them with --json or --md)`);
  }
  if (s.allowed > 0) out(`allowed by the gate: ${s.allowed}`);
  const paint = report.verdict === 'fail' ? style.red : report.verdict === 'warn' ? style.yellow : style.green;
  out(`verdict: ${style.bold(paint(report.verdict.toUpperCase()))}`);
  for (const path of written) out(`wrote ${plain(path)}`);
}
