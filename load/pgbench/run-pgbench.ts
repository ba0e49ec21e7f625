import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import { libpqEnv } from '../../core/libpq-env.js';
import type { PgbenchBinary } from './find-pgbench.js';
import { readPgbenchLogs } from './pgbench-log.js';
import { logToTimeline, type LogTimeline, type LogTimelineOptions } from './log-timeline.js';
import { scriptArgs, type ScriptSpec } from './pgbench-scripts.js';

/** What pgbench connects with and where its tables are. */
export interface PgbenchTarget {
  pgbench: PgbenchBinary;
  endpoint: Endpoint;
  /** search_path of pgbench's sessions (its built-in scripts' tables live there); absent: the server's. */
  searchPath?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface PgbenchRunOptions extends PgbenchTarget {
  scripts: readonly ScriptSpec[];
  /** `-D name=value`. */
  variables?: Record<string, string>;
  clients: number;
  /** Transactions per second (`-R`); null: as fast as it goes. */
  rate: number | null;
  /** `-T`: whole seconds. */
  seconds: number;
  /** `-s` for custom scripts' `:scale`. */
  scale?: number;
  /** A directory of its own for the per-transaction logs. */
  logDir: string;
  /** How the logs become the timeline's seconds. */
  timeline: LogTimelineOptions;
}

export interface PgbenchRunResult {
  /** The logs as the soak's seconds. */
  timeline: LogTimeline;
  /** Log lines that were not transactions (cut short). */
  malformed: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Clients pgbench aborted (a lost connection, an error it does not retry). */
  abortedClients: number;
  /** pgbench's own lines about what went wrong (`client 0 aborted in command 1 …`). */
  problems: string[];
  result: RunResult;
}

/** Environment of a pgbench process: the endpoint as libpq variables, and its search_path in PGOPTIONS. */
export function pgbenchEnv(t: PgbenchTarget, searchPath = t.searchPath): NodeJS.ProcessEnv {
  const env = libpqEnv(t.endpoint, t.env ?? process.env);
  if (searchPath) env.PGOPTIONS = `${env.PGOPTIONS ? `${env.PGOPTIONS} ` : ''}-c search_path=${searchPath}`;
  return env;
}

/**
 * Runs pgbench once with per-transaction logs (`-l`) in `logDir`, prepared statements, and reads
 * the logs back. Never throws for pgbench's failure: the caller judges (`pgbenchFailure`).
 */
export async function runPgbench(o: PgbenchRunOptions): Promise<PgbenchRunResult> {
  const threads = Math.max(1, Math.min(o.clients, availableParallelism()));
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(o.clients),
    '-j',
    String(threads),
    '-T',
    String(o.seconds),
    ...(o.rate !== null ? ['-R', String(o.rate)] : []),
    ...(o.scale !== undefined ? ['-s', String(o.scale)] : []),
    ...Object.entries(o.variables ?? {}).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    '-l',
    '--log-prefix',
    join(o.logDir, 'pgbench_log'),
    ...scriptArgs(o.scripts),
  ];
  const result = await runCommand(o.pgbench.path, args, { env: pgbenchEnv(o), timeoutMs: o.seconds * 1000 + 60_000, signal: o.signal });
  const files = (await readdir(o.logDir)).filter((f) => f.startsWith('pgbench_log')).map((f) => join(o.logDir, f));
  // The logs are read twice: their bad lines are counted the first time.
  const malformed = { count: 0 };
  let passes = 0;
  const timeline = await logToTimeline(() => readPgbenchLogs(files, o.rate !== null, passes++ === 0 ? malformed : { count: 0 }), o.timeline);
  const problems = pgbenchProblems(result.stderr);
  return {
    timeline,
    malformed: malformed.count,
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    abortedClients: problems.filter((l) => /\bclient \d+ (?:script \d+ )?aborted\b/.test(l)).length,
    problems,
    result,
  };
}

/** pgbench's error lines, without its `pgbench: error: ` prefix. */
export function pgbenchProblems(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /^pgbench: (error|fatal)/.test(l) || /\baborted\b/.test(l))
    .map((l) => l.replace(/^pgbench: (error|fatal): /, '').trim())
    .filter((l) => l && !/^Run was aborted/.test(l));
}

/** Whether pgbench could not reach the server at all (no client connected). */
export function unreachable(r: { stderr: string; transactions: number }): boolean {
  return r.transactions === 0 && /connection to server .*failed|could not connect|could not create connection/i.test(r.stderr);
}

/**
 * Creates pgbench's tables at `scale` in a schema of its own: the schema is created first (by the
 * caller's session), and pgbench's sessions see only it, so its `DROP TABLE IF EXISTS
 * pgbench_accounts` cannot reach a table of the user's.
 */
export async function initPgbench(t: PgbenchTarget & { schema: string; scale: number }): Promise<void> {
  const result = await runCommand(t.pgbench.path, ['-i', '-q', '-s', String(t.scale)], { env: pgbenchEnv(t, t.schema), timeoutMs: 3_600_000, signal: t.signal });
  if (result.exitCode !== 0) {
    const why = pgbenchProblems(result.stderr)[0] ?? result.stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`;
    throw new CutoverError(unreachable({ stderr: result.stderr, transactions: 0 }) ? 'connect' : 'provision', `pgbench -i (scale ${t.scale}, schema ${t.schema}) failed: ${why}`, {
      message: `${result.command} exited with ${result.exitCode}\n${result.stderr}`,
      tool: toolFailure(result),
    });
  }
}
