import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root and the built CLI entry (`npm run build` writes it). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Non-empty stderr lines. */
  errLines: string[];
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process is running, e.g. to signal it. */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * A clean environment for the CLI: no PG* variables or debug flags from the developer's shell,
 * no colours, and a HOME without a ~/.pgpass.
 */
export function cleanEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^PG|^CUTOVER_|^NO_COLOR$|^FORCE_COLOR$/.test(k)) env[k] = v;
  }
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}

/** Runs `node dist/cli/main.js ...args` and collects its exit code and output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, errLines: stderr.split('\n').filter((l) => l.trim() !== '') }),
    );
    options.onSpawn?.(child);
  });
}

/** An `onSpawn` that calls `then` once, as soon as the CLI's stderr contains `text`. */
export function onStderr(text: string, then: (child: ChildProcess) => void): (child: ChildProcess) => void {
  return (child) => {
    let stderr = '';
    let fired = false;
    child.stderr?.on('data', (d: Buffer) => {
      if (fired) return;
      stderr += d.toString();
      if (!stderr.includes(text)) return;
      fired = true;
      then(child);
    });
  };
}

/** An `onSpawn` that calls `then` once the soak's load is running (its "load running" line), e.g. to signal it. */
export function onLoadRunning(then: (child: ChildProcess) => void): (child: ChildProcess) => void {
  return onStderr('load running', then);
}
