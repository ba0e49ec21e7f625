import { readdir, readFile } from 'node:fs/promises';
import type { Cluster } from '../topology/cluster.js';

/** Frozen servers and the pids stopped, so that a later step or the run's close thaws them. */
const frozen = new WeakMap<Cluster, number[]>();

/**
 * Freezes a local server: SIGSTOP to the postmaster (first, so it forks nothing new) and then to
 * every child. Its port still completes TCP handshakes (the kernel does) but nothing answers, as a
 * hung machine. The cluster's close() thaws it first, so the run can still stop it.
 */
export async function freezeServer(cluster: Cluster): Promise<number> {
  const server = cluster.local;
  if (!server) throw new Error(`freeze: ${cluster.role} is not a local server`);
  const postmaster = await server.postmasterPid();
  process.kill(postmaster, 'SIGSTOP');
  const pids = [postmaster, ...(await childPids(postmaster))];
  for (const pid of pids.slice(1)) signal(pid, 'SIGSTOP');
  frozen.set(cluster, pids);
  const close = cluster.close.bind(cluster);
  cluster.close = async () => {
    thawServer(cluster);
    await close();
  };
  return pids.length;
}

/** Thaws a server `freezeServer` froze (children first, the postmaster last); nothing when it is not frozen. */
export function thawServer(cluster: Cluster): boolean {
  const pids = frozen.get(cluster);
  if (!pids) return false;
  frozen.delete(cluster);
  for (const pid of [...pids.slice(1), pids[0] ?? 0]) signal(pid, 'SIGCONT');
  return true;
}

export function isFrozen(cluster: Cluster): boolean {
  return frozen.has(cluster);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    if (pid > 0) process.kill(pid, sig);
  } catch {
    // Gone already: nothing to stop or continue.
  }
}

/** The pids whose parent is `pid` (Linux /proc; what `pgrep -P` gives). */
export async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the parent pid; field 2 (the command) may hold spaces, so count from its ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}
