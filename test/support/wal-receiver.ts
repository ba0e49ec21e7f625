import { readdir, readFile } from 'node:fs/promises';

/** A process's command line (its title, for a PostgreSQL backend), NULs as spaces. */
async function cmdline(pid: string): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0+/g, ' ').trim();
}

async function parentOf(pid: string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * The pid of the WAL receiver of the standby listening on `port`: the child titled `walreceiver`
 * of the postmaster started with `-p PORT` (what pg_stat_wal_receiver.pid says, found without a
 * password: the run's servers have random ones).
 */
export async function walReceiverPid(port: number): Promise<number | undefined> {
  const pids = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  const postmasters = new Set<number>();
  for (const pid of pids) {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const p = args.indexOf('-p');
    if (p >= 0 && args[p + 1] === String(port) && /postgres$/.test(args[0] ?? '')) postmasters.add(Number(pid));
  }
  for (const pid of pids) {
    if (!postmasters.has(await parentOf(pid))) continue;
    if (/walreceiver/.test(await cmdline(pid))) return Number(pid);
  }
  return undefined;
}

/** SIGSTOP of one process; returns its thaw (SIGCONT, idempotent, silent when the process is gone). */
export function freezeProcess(pid: number): () => void {
  process.kill(pid, 'SIGSTOP');
  let thawed = false;
  return () => {
    if (thawed) return;
    thawed = true;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  };
}
