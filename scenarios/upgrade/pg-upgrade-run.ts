import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { freePort } from '../providers/free-port.js';
import { serverUser } from '../providers/server-user.js';
import { keepUpgradeOutput, movedOutputPaths, upgradeFailureReason } from './pg-upgrade-output.js';

/** `check` only (default transfer mode), or the upgrade by hard links or by copying files. */
export type PgUpgradeMode = 'check' | 'link' | 'copy';

export interface PgUpgradeOptions {
  mode: PgUpgradeMode;
  /** `--check` with a `link` or `copy` mode, so that what that mode needs (hard links) is checked too. */
  checkOnly?: boolean;
  oldBindir: string;
  newBindir: string;
  oldDataDir: string;
  newDataDir: string;
  /** The old server's port when it is running (a live `--check` reads it from postmaster.pid). */
  oldPort?: number;
  /** A writable directory of the server's user: pg_upgrade's working directory and socket directory. */
  workDir: string;
  jobs?: number;
  /** Where the output and pg_upgrade's log directory are kept. */
  artifactDir: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What a pg_upgrade run left: its output file and log directory in the artifacts. */
export interface PgUpgradeResult {
  durationMs: number;
  outputFile: string;
  logDir?: string;
}

/**
 * Runs the new version's pg_upgrade as the servers' user, keeps its full output and its log
 * directory in the step's artifacts, and on failure throws with pg_upgrade's own reason (the
 * failed check's report and the file it names).
 */
export async function runPgUpgrade(o: PgUpgradeOptions): Promise<PgUpgradeResult> {
  const user = serverUser();
  // pg_upgrade starts both servers itself with sockets only; free ports keep their lock files apart.
  const oldPort = o.oldPort ?? (await freePort());
  const newPort = await freePort();
  const args = [
    '--old-bindir', o.oldBindir,
    '--new-bindir', o.newBindir,
    '--old-datadir', o.oldDataDir,
    '--new-datadir', o.newDataDir,
    '--old-port', String(oldPort),
    '--new-port', String(newPort),
    '--username', 'postgres',
    '--socketdir', o.workDir,
    '--retain',
    ...(o.jobs ? ['--jobs', String(o.jobs)] : []),
    ...(o.mode === 'check' ? [] : [`--${o.mode}`]),
    ...(o.checkOnly || o.mode === 'check' ? ['--check'] : []),
  ];
  const result: RunResult = await runCommand(join(o.newBindir, 'pg_upgrade'), args, {
    cwd: o.workDir,
    uid: user?.uid,
    gid: user?.gid,
    env: withoutLibpqVariables(process.env),
    timeoutMs: o.timeoutMs ?? 3_600_000,
    signal: o.signal,
  });
  const output = `$ ${result.command}\n${result.stdout}${result.stderr ? `\n--- stderr ---\n${result.stderr}` : ''}`;
  const label = o.checkOnly ? 'check' : o.mode;
  const outputFile = join(o.artifactDir, `pg_upgrade-${label}.log`);
  await writeFile(outputFile, output);
  // The reason is read before the log directory moves: pg_upgrade's messages name its files there.
  const reason = result.exitCode === 0 ? undefined : await upgradeFailureReason(`${result.stdout}\n${result.stderr}`);
  const logDir = await keepUpgradeOutput(o.newDataDir, o.artifactDir, label);
  if (reason) {
    const why = result.timedOut ? `timed out after ${o.timeoutMs ?? 3_600_000} ms` : `exited with ${result.exitCode ?? result.signal}`;
    const what = label === 'check' ? 'pg_upgrade --check' : `pg_upgrade --${o.mode}`;
    const short = `${what} ${why}: ${reason.short}`;
    // The files pg_upgrade names are read where they went: its log directory moved into the artifacts.
    const moved = (text: string) => movedOutputPaths(text, o.newDataDir, logDir);
    const tool = toolFailure(result);
    throw new CutoverError('provision', short, {
      message: moved(`${short}\n${reason.full}\n(full output: ${outputFile}${logDir ? `; logs: ${logDir}` : ''})`),
      tool: { ...tool, stderrTail: moved(tool.stderrTail) },
      ...(reason.detail ? { detail: reason.detail } : {}),
      ...(reason.hint ? { hint: moved(reason.hint) } : {}),
    });
  }
  return { durationMs: result.durationMs, outputFile, ...(logDir ? { logDir } : {}) };
}

/** The environment without PG* variables (pg_upgrade reads PGDATAOLD, PGPORT...): only its arguments count. */
function withoutLibpqVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('PG'))), LC_ALL: 'C' };
}
