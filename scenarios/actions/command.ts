import { createWriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { lastPsqlError } from '../../core/psql-messages.js';
import { verbosePsqlrcEnv } from './command-psqlrc.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { libpqEnv } from '../upgrade/libpq-env.js';
import type { Topology } from '../topology/cluster.js';

/** Lines of output quoted in the step's short error when the command fails. */
const TAIL_LINES = 3;
/** Lines of output kept in the step's full error (the whole output is in command.log). */
const FULL_LINES = 200;

/**
 * `command`: a user's shell command as a step (an `aws rds switchover-blue-green-deployment`, a
 * `cdk deploy`, a Patroni switchover), with a timeout; its output is kept in the run directory.
 */
export const commandAction = defineAction({
  name: 'command',
  summary: "run a shell command (e.g. the cloud provider's switchover) with a timeout, its output kept",
  params: z
    .object({
      run: z.string().min(1).describe('The command line, run by /bin/sh -c.'),
      timeout: durationParam({ minMs: 1, maxMs: 24 * 3_600_000 }).default(600_000).describe('Longest the command may take; then its process group is terminated and the step fails.'),
      env: z.record(z.string(), z.string()).optional().describe("Extra environment variables (added to cutover's own)."),
    })
    .strict(),
  title: (p) => {
    const line = p.run.trim().split('\n')[0] ?? '';
    return line.length > 60 ? `${line.slice(0, 57)}...` : line;
  },
  async run(ctx, p) {
    const dir = await ctx.artifactDir();
    const logFile = join(dir, 'command.log');
    ctx.detail('log', relative(ctx.runDir, logFile));
    // Written as the output arrives, so an interrupted or hung step still leaves its log.
    const log = createWriteStream(logFile);
    const logClosed = new Promise<void>((resolve) => {
      log.once('close', resolve);
      log.once('error', (error) => {
        ctx.log(`command: cannot write ${logFile}: ${error.message}`);
        resolve();
      });
    });
    // The writer's connection in PG* variables, so `psql` in a step reaches it; the step's own env wins.
    const env: NodeJS.ProcessEnv = { ...writerEnv(ctx.topology), ...p.env, CUTOVER_RUN_DIR: ctx.runDir, CUTOVER_STEP_DIR: dir, CUTOVER_WRITER_ROLE: ctx.topology.writer };
    let result: RunResult;
    try {
      // The shell merges stderr into stdout itself, so the log keeps the order the lines came in.
      result = await runCommand('/bin/sh', ['-c', `exec 2>&1\n${p.run}`], {
        timeoutMs: p.timeout,
        signal: ctx.signal,
        // The step is the shell: a background child (`cmd &`, a server started without a log) must not hold it open.
        endOnExit: true,
        onOutput: (chunk) => void log.write(chunk),
        // psql in the step prints SQLSTATEs, so a failing statement's error keeps its code.
        env: { ...env, ...(await verbosePsqlrcEnv(dir, env)) },
      });
    } finally {
      log.end();
      await logClosed;
    }
    if (result.strays) {
      ctx.detail('strays', result.strays);
      ctx.log(`command: the shell exited with ${result.strays.length} process(es) of its own still running (stopped when the run ends): ${result.strays.join('; ')}`);
    }
    ctx.detail('exitCode', result.exitCode);
    if (result.signal) ctx.detail('signal', result.signal);
    if (result.timedOut) ctx.detail('timedOut', true);
    ctx.detail('commandMs', Math.round(result.durationMs));
    if (result.exitCode === 0 && !result.timedOut) return;
    if (ctx.signal.aborted) throw new CutoverError('interrupted', 'interrupted');
    throw commandFailure(result, p, relative(ctx.runDir, logFile));
  },
});

/**
 * The step's error: why the command ended, and either the PostgreSQL error psql printed (with its
 * SQLSTATE, detail and hint) or the last lines of output; the command, its exit and the tail of
 * its output as the tool that failed.
 */
function commandFailure(result: RunResult, p: { run: string; timeout: number }, log: string): CutoverError {
  const why = result.timedOut ? `timed out after ${p.timeout} ms` : result.exitCode === null ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
  const output = result.stdout.trim();
  const lines = output ? output.split('\n') : [];
  const tool = { ...toolFailure(result), command: p.run };
  // A psql error explains the failure when the output ends with it (in the tail the record keeps),
  // not when a script went past it and failed later.
  const pg = result.timedOut ? undefined : lastPsqlError(tool.stderrTail);
  const said = pg ? `${pg.level}: ${pg.message.split('\n')[0]}` : lines.slice(-TAIL_LINES).map((l) => l.trim()).join(' | ');
  const short = `command ${why}${said ? `: ${said}` : ' (no output)'}`;
  const kept = lines.length > FULL_LINES ? [`(${lines.length - FULL_LINES} earlier lines in ${log})`, ...lines.slice(-FULL_LINES)] : lines;
  return new CutoverError('query', short, {
    message: `${short}\n--- output (${log}) ---\n${kept.join('\n')}`,
    tool,
    ...(pg?.sqlState ? { sqlState: pg.sqlState } : {}),
    ...(pg?.detail ? { detail: pg.detail } : {}),
    ...(pg?.hint ? { hint: pg.hint } : {}),
  });
}

/** cutover's environment plus the writer's connection (PGHOST...), when the run has a writer server. */
function writerEnv(topology: Topology): NodeJS.ProcessEnv {
  return topology.has(topology.writer) ? libpqEnv(topology.get(topology.writer).endpoint()) : process.env;
}
