import { spawn } from 'node:child_process';

/**
 * A tiny detached process that stops a server (a postmaster, a PgBouncer) and removes its
 * directory if the harness dies without closing it, so that no orphan outlives a crashed or
 * killed run. It polls every 500 ms; with `pid`, the server's own exit fires it too.
 */
const WATCHDOG_SOURCE = `
const o = JSON.parse(process.argv[1]);
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (alive(o.parentPid) && (o.pid === undefined || alive(o.pid))) return;
  clearInterval(timer);
  if (o.pid !== undefined) { try { process.kill(o.pid, 'SIGKILL'); } catch {} }
  if (o.stopCommand) {
    const opts = { stdio: 'ignore', timeout: 30000 };
    if (o.stopCommand.uid !== undefined) { opts.uid = o.stopCommand.uid; opts.gid = o.stopCommand.gid; }
    spawnSync(o.stopCommand.file, o.stopCommand.args, opts);
  }
  if (o.removeDir !== undefined) { try { rmSync(o.removeDir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}, 500);
`;

/** What a watchdog does when the harness dies. */
export interface WatchdogOptions {
  /** A command that stops the server (e.g. `pg_ctl stop`), run as `uid`/`gid` when given. */
  stopCommand?: { file: string; args: string[]; uid?: number; gid?: number };
  /** A server process to SIGKILL; its own exit fires the watchdog as well. */
  pid?: number;
  /** A directory removed once the server is stopped. */
  removeDir?: string;
}

export interface Watchdog {
  /** Ends the watchdog (the harness closed the server itself); idempotent. */
  stop(): void;
}

/** Starts a detached watchdog for a server this process started (see `WatchdogOptions`). */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, JSON.stringify({ parentPid: process.pid, ...options })], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    stop() {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
