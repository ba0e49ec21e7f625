import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { CutoverError, type ToolFailure } from './errors.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (when the harness is root and the child must not be). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
  /** After SIGTERM at the timeout, SIGKILL follows after this long. */
  killGraceMs?: number;
  input?: string;
  /** Aborting kills the child's group as the timeout does (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /**
   * End when the process itself exits, not when every process that inherited its output has
   * closed it (a shell's `cmd &`, a `pg_ctl start` without `-l`): the output is read up to then,
   * children left in its group are named in `strays` and killed by `killStrayGroups()` or when the
   * harness exits.
   */
  endOnExit?: boolean;
  /** Each chunk of output as it arrives (to write a log as the command runs, not at its end). */
  onOutput?: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  command: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the timeout fired: 'term' if SIGTERM was enough, 'kill' if SIGKILL was needed. */
  timedOut?: 'term' | 'kill';
  /** With `endOnExit`: processes of its group still running when it exited (`pid command`). */
  strays?: string[];
}

const MAX_CAPTURE = 4 * 1024 * 1024;

/**
 * Runs a child process in its own process group, captures its output, enforces a timeout
 * (SIGTERM to the group, then SIGKILL) and never throws for a non-zero exit: see `runChecked`.
 */
export function runCommand(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const command = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      options.onOutput?.(chunk, 'stdout');
      if (stdout.length < MAX_CAPTURE) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      options.onOutput?.(chunk, 'stderr');
      if (stderr.length < MAX_CAPTURE) stderr += chunk.toString();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');

    let timedOut: RunResult['timedOut'];
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = 'term';
            signalGroup(child.pid, 'SIGTERM');
            killTimer = setTimeout(() => {
              timedOut = 'kill';
              signalGroup(child.pid, 'SIGKILL');
            }, options.killGraceMs ?? 5_000);
          }, options.timeoutMs);
    const untrack = trackGroup(child.pid);
    const onAbort = () => {
      signalGroup(child.pid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 5_000);
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      untrack();
      reject(new CutoverError('provision', `cannot run ${file}: ${error.message}`, { cause: error }));
    });
    let ended = false;
    const end = (exitCode: number | null, signal: NodeJS.Signals | null, strays: string[] | undefined) => {
      if (ended) return;
      ended = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // A group with strays stays tracked: they die with the run, not with the step.
      if (!strays?.length) untrack();
      else if (child.pid !== undefined) strayGroups.add(child.pid);
      resolve({
        command,
        exitCode,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        ...(timedOut ? { timedOut } : {}),
        ...(strays?.length ? { strays } : {}),
      });
    };
    child.on('close', (exitCode, signal) => end(exitCode, signal, undefined));
    if (options.endOnExit) {
      child.on('exit', (exitCode, signal) => {
        // What the process wrote before it exited may still be in the pipe: read it first.
        setTimeout(() => {
          if (ended) return;
          const strays = groupMembers(child.pid);
          if (!strays.length) return; // 'close' follows at once.
          child.stdout.destroy();
          child.stderr.destroy();
          end(exitCode, signal, strays);
        }, EXIT_DRAIN_MS);
      });
    }
  });
}

/** Like `runCommand`, but a non-zero exit or a timeout is an error carrying the stderr. */
export async function runChecked(file: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runCommand(file, args, options);
  if (result.exitCode !== 0) {
    const why = result.timedOut
      ? `timed out after ${options.timeoutMs} ms (${result.timedOut === 'kill' ? 'killed' : 'terminated'})`
      : `exited with ${result.exitCode ?? result.signal}`;
    const lastLine = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
    throw new CutoverError('provision', `${file.split('/').pop()} ${why}${lastLine ? `: ${lastLine}` : ''}`, {
      message: `${result.command} ${why}\n--- stderr ---\n${result.stderr}\n--- stdout ---\n${result.stdout}`,
      tool: toolFailure(result),
    });
  }
  return result;
}

/** Lines of a tool's stderr kept in an error record. */
const STDERR_TAIL_LINES = 20;

/** How a finished command failed, for an error record: its command line, exit and the tail of its stderr (or stdout). */
export function toolFailure(result: RunResult): ToolFailure {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n');
  return {
    command: result.command,
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    ...(result.timedOut ? { timedOut: true } : {}),
    stderrTail: text.slice(-STDERR_TAIL_LINES).join('\n'),
  };
}

/** How long output written just before a process exited is waited for. */
const EXIT_DRAIN_MS = 100;

/** The processes still in a group (`pid command`), from /proc; where there is none, a placeholder when the group lives. */
function groupMembers(pgid: number | undefined): string[] {
  if (pgid === undefined) return [];
  try {
    process.kill(-pgid, 0);
  } catch {
    return [];
  }
  const members: string[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command (which may hold spaces) start after its closing parenthesis.
        const close = stat.lastIndexOf(')');
        const fields = stat.slice(close + 2).split(' ');
        if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue;
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        members.push(`${entry} ${cmdline || stat.slice(stat.indexOf('(') + 1, close)}`);
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    return [`process group ${pgid}`];
  }
  return members;
}

/**
 * Ends the groups of processes whose children outlived them (`endOnExit`): SIGTERM, then SIGKILL
 * after `graceMs`. The run calls it when it ends; the harness's exit kills what is left anyway.
 */
export async function killStrayGroups(graceMs = 2_000): Promise<void> {
  const groups = [...liveGroups].filter((g) => strayGroups.has(g));
  if (!groups.length) return;
  for (const g of groups) signalGroup(g, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groups.some((g) => groupAlive(g))) await new Promise((r) => setTimeout(r, 50));
  for (const g of groups) {
    if (groupAlive(g)) signalGroup(g, 'SIGKILL');
    liveGroups.delete(g);
    strayGroups.delete(g);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

// Children still running when the harness exits are killed with their whole group.
const liveGroups = new Set<number>();
/** Groups whose leader exited with children left (`endOnExit`). */
const strayGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => {};
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
  return () => liveGroups.delete(pid);
}
