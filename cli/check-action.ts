import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { parseSqliteLocation, type SqliteLocation } from '../core/sqlite-location.js';
import { runSuite } from '../checks/suite.js';
import { type Snapshot, writeSnapshot } from '../checks/snapshot.js';
import type { Suite } from '../checks/define-check.js';
import { isDamaged, runSqliteSuite, sqliteFindings, writeSqliteSnapshot, type SqliteSnapshot } from '../checks/sqlite/index.js';
import { evaluateSnapshot } from '../reports/evaluate.js';
import { sortFindings } from '../reports/sort-findings.js';
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
  const sqlite = options.db === undefined ? undefined : parseSqliteLocation(options.db, runtime.cwd);
  if (sqlite) return runSqliteCheck(options, sqlite, runtime);
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
    signal: runtime.signal,
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
  if (gate) printGate(runtime, gate);
  out(`snapshot: ${plain(path)}`);
}

/**
 * `cutover check --db sqlite:PATH`: the SQLite suite on a file opened read-only. Like the
 * PostgreSQL one it gates only with --gate; a file integrity_check finds damaged exits 2 (a
 * malformed input) once its snapshot and findings are out.
 */
async function runSqliteCheck(options: CheckOptions, location: SqliteLocation, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  const { config } = await loadCliConfig(options.config, runtime.cwd);
  const outPath = assertWritable('--out', options.out ?? `${options.suite}.snapshot.json`);
  const shown = options.out ?? `./${options.suite}.snapshot.json`;
  if (outPath === location.path) throw new CutoverError('usage', `--out ${shown}: is the SQLite file being checked (${location.path}), which is never written`);

  const snapshot = await runSqliteSuite(location, {
    label: '--db',
    signal: runtime.signal,
    onCheck: (id, ok, ms, reason) => io.err(checkProgressLine(id, { title: id, status: ok ? 'ok' : 'error', durationMs: ms, ...(reason === undefined ? {} : { reason }) }, io.errStyle)),
  });
  runtime.signal.throwIfAborted();
  try {
    await writeSqliteSnapshot(outPath, snapshot);
  } catch (error) {
    throw new CutoverError('internal', `cannot write ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  const findings = sortFindings(sqliteFindings(snapshot));
  const gate = options.gate ? applyGate(findings, config.gate) : undefined;
  if (options.json) io.out(JSON.stringify(sqliteJsonSummary(snapshot, options.suite, shown, findings, gate)));
  else printSqliteSummary(runtime, snapshot, options.suite, shown, findings, gate);
  if (isDamaged(snapshot)) {
    const n = snapshot.integrity.messages.length;
    throw new CutoverError(
      'input',
      `--db ${location.text}: the file is damaged: PRAGMA integrity_check reported ${n} ${n === 1 ? 'problem' : 'problems'} (first: ${snapshot.integrity.messages[0]}) (${location.path}); snapshot written to ${shown}`,
    );
  }
  return gate?.verdict === 'fail' ? 1 : 0;
}

function sqliteTotals(snapshot: SqliteSnapshot): { tables: number; rows: number; checks: { ok: number; error: number } } {
  const outcomes = Object.values(snapshot.checks);
  return {
    tables: snapshot.tables.length,
    rows: snapshot.tables.reduce((n, t) => n + t.rows, 0),
    checks: { ok: outcomes.filter((c) => c.status === 'ok').length, error: outcomes.filter((c) => c.status === 'error').length },
  };
}

function sqliteJsonSummary(snapshot: SqliteSnapshot, suite: Suite, path: string, findings: Finding[], gate: GateResult | undefined) {
  const totals = sqliteTotals(snapshot);
  return {
    snapshot: path,
    suite,
    takenAt: snapshot.takenAt,
    durationMs: snapshot.durationMs,
    sqlite: { file: snapshot.file, version: snapshot.sqliteVersion, sizeBytes: snapshot.sizeBytes, tables: totals.tables, rows: totals.rows },
    checks: { ...totals.checks, skipped: 0 },
    integrity: { ok: snapshot.integrity.ok, problems: snapshot.integrity.messages.length },
    foreignKeyViolations: snapshot.foreignKeyViolations.count,
    findings: countSeverities(findings),
    ...(gate ? { verdict: gate.verdict, failing: gate.failing.map((f) => f.id) } : {}),
  };
}

function printSqliteSummary(runtime: CliRuntime, snapshot: SqliteSnapshot, suite: Suite, path: string, findings: Finding[], gate: GateResult | undefined): void {
  const { out, style } = runtime.io;
  const totals = sqliteTotals(snapshot);
  const f = countSeverities(findings);
  out(`${suite} suite on sqlite ${plain(snapshot.file)}: SQLite ${snapshot.sqliteVersion}, ${totals.tables} ${totals.tables === 1 ? 'table' : 'tables'}, ${totals.rows} rows`);
  out(`checks: ${totals.checks.ok} ok, ${totals.checks.error} error (${(snapshot.durationMs / 1000).toFixed(1)} s)`);
  out(`findings: ${f.fail} fail, ${f.warn} warn, ${f.info} info`);
  for (const finding of findings.filter((x) => x.severity !== 'info').slice(0, 50)) out(`  ${findingLine(finding, style)}`);
  if (gate) printGate(runtime, gate);
  out(`snapshot: ${plain(path)}`);
}

function printGate(runtime: CliRuntime, gate: GateResult): void {
  const { out, style } = runtime.io;
  const paint = gate.verdict === 'fail' ? style.red : gate.verdict === 'warn' ? style.yellow : style.green;
  out(`gate: ${paint(gate.verdict.toUpperCase())}${gate.failing.length > 0 ? ` (${gate.failing.length} failing)` : ''}`);
}
