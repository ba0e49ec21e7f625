import type { ErrorRecord } from '../core/errors.js';
import type { SnapshotCheck } from '../checks/snapshot.js';
import type { Finding } from '../checks/finding.js';
import { type Style, plain } from './io.js';

/** One progress line as a check ends: status, id, time, and the reason when it did not run. */
export function checkProgressLine(id: string, result: SnapshotCheck, style: Style): string {
  const status =
    result.status === 'ok' ? style.green('ok     ') : result.status === 'skipped' ? style.yellow('skipped') : style.red('error  ');
  const reason = result.status === 'ok' ? '' : `: ${plain(result.reason ?? '')}`;
  return `  ${status} ${id} ${style.dim(`${result.durationMs} ms`)}${reason}`;
}

/** One finding on one line: severity, id, message. */
export function findingLine(finding: Finding, style: Style): string {
  const sev =
    finding.severity === 'fail' ? style.red('FAIL') : finding.severity === 'warn' ? style.yellow('WARN') : style.dim('info');
  return `${sev} ${plain(finding.id)}  ${plain(finding.message)}`;
}

/** Most failing findings printed; the rest go to the --json or --md outputs. */
const MAX_LINES = 50;

/** The end of a gated summary: finding counts, the failing ones, what the gate allowed, the verdict, the files written. */
export function printGateLines(
  io: { out: (line: string) => void; style: Style },
  report: { findings: (Finding & { gate: string })[]; verdict: 'pass' | 'warn' | 'fail'; summary: { findings: { fail: number; warn: number; info: number }; allowed: number } },
  written: string[],
): void {
  const { out, style } = io;
  const s = report.summary;
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

/**
 * An error of run.json on one terminal line: its short message, then its SQLSTATE and hint when
 * it has them (the detail, a tool's output and the full message are in summary.md and report.html).
 */
export function errorRecordLine(error: ErrorRecord): string {
  const extra = [error.sqlState ? `SQLSTATE ${error.sqlState}` : '', error.hint ? `HINT: ${error.hint.replace(/\s*\n\s*/g, ' ')}` : ''].filter(Boolean);
  return plain(`${error.message}${extra.length ? ` [${extra.join('; ')}]` : ''}`);
}
