import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { runSuite } from '../checks/suite.js';
import { type Snapshot, writeSnapshot } from '../checks/snapshot.js';
import type { Suite } from '../checks/define-check.js';
import { evaluateSnapshot } from '../reports/evaluate.js';
import { applyGate, type GateResult } from '../reports/gate.js';
import { countSeverities, countStatuses } from '../reports/diff-report.js';
import type { Finding } from '../checks/finding.js';
import { CutoverError } from '../core/errors.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { assertWritable } from './output-path.js';
import { findingLine, checkProgressLine } from './terminal-lines.js';
import { plain } from './io.js';

export interface CheckOptions {
  db?: string;
  suite: Suite;
  config?: string;
  out?: string;
  json?: boolean;
  gate?: boolean;
}

/** Runs `cutover check` with parsed options; returns the exit code. */
export async function runCheck(options: CheckOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Everything is validated before the first connection opens.
  const endpoint = resolveEndpoint({ url: options.db, urlLabel: '--db' }, runtime.env, undefined, (m) => io.err(`cutover: warning: ${m}`));
  const { config } = await loadCliConfig(options.config, runtime.cwd);
  const outPath = assertWritable('--out', options.out ?? `${options.suite}.snapshot.json`);
  const shown = options.out ?? `./${options.suite}.snapshot.json`;

  const snapshot = await runSuite({
    endpoint,
    suite: options.suite,
    config,
    onCheck: (id, result) => io.err(checkProgressLine(id, result, io.errStyle)),
  });
  runtime.signal.throwIfAborted();
  try {
    await writeSnapshot(outPath, snapshot);
  } catch (error) {
    throw new CutoverError('internal', `cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const findings = evaluateSnapshot(snapshot, config);
  const gate = options.gate ? applyGate(findings, config.gate) : undefined;

  if (options.json) {
    io.out(JSON.stringify(jsonSummary(snapshot, shown, findings, gate)));
  } else {
    printSummary(runtime, snapshot, describeEndpoint(endpoint), shown, findings, gate);
  }
  return gate?.verdict === 'fail' ? 1 : 0;
}

function jsonSummary(snapshot: Snapshot, path: string, findings: Finding[], gate: GateResult | undefined) {
  return {
    snapshot: path,
    suite: snapshot.suite,
    takenAt: snapshot.takenAt,
    durationMs: snapshot.durationMs,
    endpoint: snapshot.endpoint,
    server: snapshot.server,
    checks: countStatuses(snapshot),
    findings: countSeverities(findings),
    ...(gate ? { verdict: gate.verdict, failing: gate.failing.map((f) => f.id) } : {}),
  };
}

function printSummary(
  runtime: CliRuntime,
  snapshot: Snapshot,
  where: string,
  path: string,
  findings: Finding[],
  gate: GateResult | undefined,
): void {
  const { out, style } = runtime.io;
  const s = countStatuses(snapshot);
  const f = countSeverities(findings);
  out(`${snapshot.suite} suite on ${plain(where)}: PostgreSQL ${plain(snapshot.server.version)} (${snapshot.server.versionNum})${snapshot.server.inRecovery ? ', standby' : ''}`);
  out(`checks: ${s.ok} ok, ${s.skipped} skipped, ${s.error} error (${(snapshot.durationMs / 1000).toFixed(1)} s)`);
  out(`findings: ${f.fail} fail, ${f.warn} warn, ${f.info} info`);
  for (const finding of findings.filter((x) => x.severity !== 'info').slice(0, 50)) out(`  ${findingLine(finding, style)}`);
  if (gate) {
    const paint = gate.verdict === 'fail' ? style.red : gate.verdict === 'warn' ? style.yellow : style.green;
    out(`gate: ${paint(gate.verdict.toUpperCase())}${gate.failing.length > 0 ? ` (${gate.failing.length} failing)` : ''}`);
  }
  out(`snapshot: ${plain(path)}`);
}
