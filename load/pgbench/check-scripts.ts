import { describeEndpoint } from '../../core/endpoint.js';
import { runCommand, toolFailure } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { pgbenchEnv, pgbenchProblems, unreachable, type PgbenchTarget } from './run-pgbench.js';
import { scriptArgs, type ScriptSpec } from './pgbench-scripts.js';

/**
 * Runs each script file once (`-t 1`, one client) before any repeat, so that a script pgbench
 * cannot parse or whose SQL the server refuses is a usage error naming the file and pgbench's
 * words (exit 2), not a repeat that aborts, and a server that cannot be reached says so (exit 3).
 * `label` names a file in messages (`--pgbench FILE`, `workload notifications, operation …`).
 */
export async function checkScripts(t: PgbenchTarget & { scripts: readonly ScriptSpec[]; variables?: Record<string, string>; scale?: number; label: (s: ScriptSpec) => string }): Promise<void> {
  for (const script of t.scripts) {
    if (script.kind === 'builtin') continue;
    const args = ['-n', '-M', 'prepared', '-c', '1', '-t', '1', ...(t.scale !== undefined ? ['-s', String(t.scale)] : []), ...Object.entries(t.variables ?? {}).flatMap(([k, v]) => ['-D', `${k}=${v}`]), ...scriptArgs([{ ...script, weight: 1 }])];
    const result = await runCommand(t.pgbench.path, args, { env: pgbenchEnv(t), timeoutMs: 60_000, signal: t.signal });
    if (result.exitCode === 0) continue;
    const problems = pgbenchProblems(result.stderr);
    // pgbench's message is its first line; the SQL error's position follows on the next ones.
    const words = problems.length ? problems.filter((l) => !/^(LINE \d+:|\^)/.test(l)).slice(0, 2).join('; ') : result.stderr.trim() || `exit ${result.exitCode}`;
    const tool = toolFailure(result);
    if (unreachable({ stderr: result.stderr, transactions: 0 }) || /perhaps the backend died/.test(result.stderr)) {
      throw new CutoverError('connect', `pgbench cannot reach ${describeEndpoint(t.endpoint)}: ${words}`, { message: `${result.command}\n${result.stderr}`, tool });
    }
    throw new CutoverError('usage', `${t.label(script)}: pgbench cannot run this script: ${words}`, { message: `${t.label(script)}: ${result.command} exited with ${result.exitCode}\n${result.stderr}`, tool });
  }
}
