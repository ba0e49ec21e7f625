import { spawn } from 'node:child_process';
import { CutoverError } from './errors.js';

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
      if (stdout.length < MAX_CAPTURE) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
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
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      untrack();
      resolve({
        command,
        exitCode,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        ...(timedOut ? { timedOut } : {}),
      });
    });
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
    });
  }
  return result;
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
