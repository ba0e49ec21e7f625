import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { lastPsqlError } from '../../core/psql-messages.js';
import type { Endpoint } from '../../core/endpoint.js';
import { bindirVersion } from './bindir-version.js';
import { libpqCaveat, libpqEnv } from './libpq-env.js';

/** One client tool run of a dump or restore, its output kept as `<label>.log` in the artifacts. */
export async function runTool(o: {
  bindir: string;
  tool: string;
  args: string[];
  endpoint: Endpoint;
  artifactDir: string;
  label: string;
  input?: string;
  signal?: AbortSignal;
  /** Decides success from the result; default exit code 0. */
  ok?: (result: RunResult) => boolean;
}): Promise<RunResult> {
  await checkLibpqCaveat(o.endpoint, o.bindir, o.tool);
  const result = await runCommand(join(o.bindir, o.tool), o.args, {
    env: libpqEnv(o.endpoint),
    timeoutMs: 6 * 3_600_000,
    ...(o.input !== undefined ? { input: o.input } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const file = join(o.artifactDir, `${o.label}.log`);
  await writeFile(file, `$ ${result.command}\n${result.stdout}${result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''}`);
  if (!(o.ok ?? ((r) => r.exitCode === 0))(result)) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal}`;
    const errorLine = result.stderr.split('\n').findLast((l) => /error|FATAL/i.test(l)) ?? result.stderr.trim().split('\n').pop() ?? '';
    const short = `${o.tool} ${why}${errorLine ? `: ${errorLine.trim()}` : ''}`;
    // psql's errors (a restore of globals) keep their SQLSTATE, detail and hint.
    const pg = lastPsqlError(result.stderr);
    throw new CutoverError('provision', short, {
      message: `${short}\n${result.stderr.slice(-4000)}\n(full output: ${file})`,
      tool: toolFailure(result),
      ...(pg?.sqlState ? { sqlState: pg.sqlState } : {}),
      ...(pg?.detail ? { detail: pg.detail } : {}),
      ...(pg?.hint ? { hint: pg.hint } : {}),
    });
  }
  return result;
}

/** `pg_dump -Fd -j N` of the endpoint's database into `dir` (the target version's pg_dump). */
export function dumpDatabase(o: { bindir: string; endpoint: Endpoint; dir: string; jobs: number; artifactDir: string; signal?: AbortSignal }): Promise<RunResult> {
  return runTool({
    bindir: o.bindir,
    tool: 'pg_dump',
    args: ['--format=directory', `--jobs=${o.jobs}`, `--file=${o.dir}`, '--no-sync', '--verbose'], // the database from PGDATABASE
    endpoint: o.endpoint,
    artifactDir: o.artifactDir,
    label: 'pg_dump',
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/** `pg_dumpall --globals-only`: roles (with their passwords) and tablespaces, as SQL in `file`. */
export function dumpGlobals(o: { bindir: string; endpoint: Endpoint; file: string; artifactDir: string; signal?: AbortSignal }): Promise<RunResult> {
  return runTool({
    bindir: o.bindir,
    tool: 'pg_dumpall',
    // --database names the database to connect to (--dbname would be read as a connection string).
    args: ['--globals-only', `--file=${o.file}`, `--database=${o.endpoint.database}`],
    endpoint: o.endpoint,
    artifactDir: o.artifactDir,
    label: 'pg_dumpall-globals',
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

/**
 * A multi-host endpoint's options reach the tool through libpq's variables; an older libpq refuses
 * a target_session_attrs it does not know (a usage error here, before the tool runs) and ignores
 * load_balance_hosts (a warning: it tries the hosts in order).
 */
async function checkLibpqCaveat(endpoint: Endpoint, bindir: string, tool: string): Promise<void> {
  const target = endpoint.targetSessionAttrs;
  const asksNewer = (target !== undefined && target !== 'any' && target !== 'read-write') || endpoint.loadBalanceHosts === 'random';
  if (!asksNewer) return;
  const major = await bindirVersion(bindir).then((v) => v.major, () => undefined);
  const caveat = major === undefined ? undefined : libpqCaveat(endpoint, tool, major);
  if (!caveat) return;
  if (endpoint.loadBalanceHosts === 'random' && !caveat.includes('target_session_attrs')) process.stderr.write(`warning: ${caveat}\n`);
  else throw new CutoverError('usage', `target_session_attrs: ${caveat}`);
}
