import type { SnapshotCheck } from '../checks/snapshot.js';
import type { Finding } from '../reports/finding.js';
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
