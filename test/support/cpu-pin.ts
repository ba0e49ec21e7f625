import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Pins every thread of a process to the given CPUs with `taskset` (util-linux) and returns a
 * function that gives it back the CPUs it had. Children forked or threads started afterwards
 * inherit the pin. Undefined when it cannot be done here (one CPU, or no taskset), so that the
 * caller can say why it measured unpinned or skipped.
 */
export function pinProcess(pid: number, cpus: string): (() => void) | undefined {
  if (availableParallelism() < 2) return undefined;
  let before: string;
  try {
    before = affinityList(pid);
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', before, String(pid)], { stdio: 'ignore' });
    } catch {
      // The process is gone: nothing to give back.
    }
  };
}

/** `taskset -p -c PID`'s list, e.g. `0,1` or `0-3`. */
function affinityList(pid: number): string {
  const out = execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' });
  const list = /affinity list:\s*(\S+)/.exec(out)?.[1];
  if (!list) throw new Error(`taskset printed no affinity list for pid ${pid}: ${out.trim()}`);
  return list;
}

/**
 * Two CPUs this process may run on (the first two of its affinity list), to put a server on one
 * and its client on the other; undefined with fewer than two or without taskset.
 */
export function twoCpus(): [number, number] | undefined {
  if (availableParallelism() < 2) return undefined;
  let list: string;
  try {
    list = affinityList(process.pid);
  } catch {
    return undefined;
  }
  const cpus = list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) return [];
    const last = to === undefined || Number.isNaN(to) ? from : to;
    return Array.from({ length: last - from + 1 }, (_, k) => from + k);
  });
  return cpus.length >= 2 ? [cpus[0]!, cpus[1]!] : undefined;
}
