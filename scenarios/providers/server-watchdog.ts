import { spawn } from 'node:child_process';

/**
 * A tiny detached process that stops a server (and removes its directory) if the harness dies
 * without closing it, so that no orphan postmaster outlives a crashed or killed run.
 */
const WATCHDOG_SOURCE = `
const [parentPid, pgCtl, dataDir, uid, gid, removeDir] = process.argv.slice(1);
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (alive(parentPid)) return;
  clearInterval(timer);
  const opts = { stdio: 'ignore', timeout: 30000 };
  if (uid !== '-') { opts.uid = Number(uid); opts.gid = Number(gid); }
  spawnSync(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], opts);
  if (removeDir !== '-') { try { rmSync(removeDir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}, 500);
`;

export interface Watchdog {
  stop(): void;
}

export function startWatchdog(options: {
  pgCtl: string;
  dataDir: string;
  uid?: number;
  gid?: number;
  removeDir?: string;
}): Watchdog {
  const child = spawn(
    process.execPath,
    [
      '-e',
      WATCHDOG_SOURCE,
      String(process.pid),
      options.pgCtl,
      options.dataDir,
      options.uid === undefined ? '-' : String(options.uid),
      options.gid === undefined ? '-' : String(options.gid),
      options.removeDir ?? '-',
    ],
    { detached: true, stdio: 'ignore' },
  );
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
