import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { runCommand, type RunResult } from '../../core/child-process.js';

/**
 * A network namespace of the test's own, joined to the host by a veth pair with two private
 * addresses of a /30 in 10.213.0.0/16 that no host interface uses: a machine on a link that the
 * test can cut. Linux only, as root (`ip` from iproute2, `iptables` inside the namespace).
 *
 * How the link is cut: DROP rules in the namespace's own firewall, on its end of the link, in
 * both directions (INPUT and OUTPUT), added and removed in one `iptables-restore` transaction.
 * DROP, not REJECT, sends nothing back, so no RST and no ICMP reach the host: its packets just
 * vanish, as when a cable or a switch fails, and only TCP's own timers can notice. Not `ip link
 * set down` (the host's sends would fail at once with a link error), and not `tc netem loss` (the
 * kernels these tests run on lack sch_netem and tc's classifiers). The rules live in the
 * namespace, never in the host's firewall, and vanish with it.
 */
export class NetworkNamespace implements AsyncDisposable {
  private cutNow = false;
  private destroying: Promise<void> | undefined;

  private constructor(
    /** The namespace (`ip netns exec <name> …`). */
    readonly name: string,
    /** The host's end of the link and its address. */
    readonly hostVeth: string,
    readonly hostAddress: string,
    /** The namespace's end of the link and its address: where a server inside listens. */
    readonly nsVeth: string,
    readonly address: string,
  ) {}

  /** Makes the namespace and its link, both ends up (and loopback inside), and checks the link answers. */
  static async create(): Promise<NetworkNamespace> {
    const tag = `${process.pid.toString(36)}${randomInt(36 ** 3).toString(36).padStart(3, '0')}`;
    const net = await freeSubnet();
    const ns = new NetworkNamespace(`${NETNS_PREFIX}-${tag}`, `${VETH_PREFIX}${tag}h`, `10.213.${net.x}.${net.y + 1}`, `${VETH_PREFIX}${tag}n`, `10.213.${net.x}.${net.y + 2}`);
    try {
      await ip('netns', 'add', ns.name);
      // Made with its peer already inside the namespace: no moment when both ends are on the host.
      await ip('link', 'add', ns.hostVeth, 'type', 'veth', 'peer', 'name', ns.nsVeth, 'netns', ns.name);
      await ip('addr', 'add', `${ns.hostAddress}/30`, 'dev', ns.hostVeth);
      await ip('link', 'set', ns.hostVeth, 'up');
      await ip('-n', ns.name, 'addr', 'add', `${ns.address}/30`, 'dev', ns.nsVeth);
      await ip('-n', ns.name, 'link', 'set', ns.nsVeth, 'up');
      await ip('-n', ns.name, 'link', 'set', 'lo', 'up');
      // The firewall works in there (iptables present, nf_tables usable): a cut must not fail later.
      await inNamespace(ns.name, 'iptables', ['-S', 'INPUT']);
    } catch (error) {
      await ns.destroy().catch(() => {});
      throw error;
    }
    return ns;
  }

  /** Whether process `pid` runs inside this namespace (its /proc/<pid>/ns/net is this namespace's file). */
  holds(pid: number): boolean {
    return statSync(`/proc/${pid}/ns/net`).ino === statSync(`/run/netns/${this.name}`).ino;
  }

  get isCut(): boolean {
    return this.cutNow;
  }

  /**
   * Drops every packet on the link, both ways, from now on. Returns the epoch ms before the
   * command ran and after it returned: the cut took effect in between.
   */
  async cut(): Promise<{ startedAt: number; appliedAt: number }> {
    const times = await this.rules('-I');
    this.cutNow = true;
    return times;
  }

  /** Lets packets through again (the link returns); same times as `cut`. */
  async restore(): Promise<{ startedAt: number; appliedAt: number }> {
    const times = await this.rules('-D');
    this.cutNow = false;
    return times;
  }

  /** One transaction, so that both directions go down (or up) at the same instant. */
  private async rules(op: '-I' | '-D'): Promise<{ startedAt: number; appliedAt: number }> {
    const input = `*filter\n${op} INPUT -i ${this.nsVeth} -j DROP\n${op} OUTPUT -o ${this.nsVeth} -j DROP\nCOMMIT\n`;
    const startedAt = Date.now();
    await inNamespace(this.name, 'iptables-restore', ['--noflush'], input);
    return { startedAt, appliedAt: Date.now() };
  }

  /**
   * Deletes the namespace (its link and rules with it) and the host's end of the link if it
   * outlives it; safe to call more than once. Whatever still runs inside is the caller's to stop
   * first: a process inside keeps the namespace alive until it exits.
   */
  destroy(): Promise<void> {
    this.destroying ??= (async () => {
      const errors: string[] = [];
      const del = await runCommand('ip', ['netns', 'del', this.name], { timeoutMs: 10_000 });
      if (del.exitCode !== 0 && existsSync(`/run/netns/${this.name}`)) errors.push(del.stderr.trim());
      await deleteLink(this.hostVeth).catch((error: unknown) => errors.push(String(error)));
      if (errors.length) throw new Error(`network namespace ${this.name}: could not delete: ${errors.join('; ')}`);
    })();
    return this.destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.destroy();
  }
}

/** Why this machine cannot make a namespace and cut its link (not root, a tool missing), or undefined when it can. */
export function netnsUnsupported(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root';
  const path = (process.env.PATH ?? '').split(':');
  for (const tool of ['ip', 'iptables-restore', 'setpriv']) {
    if (!path.some((dir) => dir && existsSync(join(dir, tool)))) return `needs ${tool}`;
  }
  return undefined;
}

/** Names of namespaces (`<prefix>-<pid><rand>`) and host veth ends (`<prefix><pid><rand>h`) made here. */
const NETNS_PREFIX = 'cvnp';
const VETH_PREFIX = 'cvnp';

/**
 * Removes what an earlier run of these tests left behind when it died before its cleanup:
 * namespaces and host veth ends named with this module's prefix whose process is gone (a live
 * one belongs to a test running now). Processes still inside such a namespace (a server whose
 * watchdog did not stop it) are killed first, by pid, or the namespace would outlive its name.
 */
export async function removeStaleNamespaces(): Promise<string[]> {
  const removed: string[] = [];
  const list = await runCommand('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = ownerPid(name, `${NETNS_PREFIX}-`, '');
    if (owner === undefined || alive(owner)) continue;
    const pids = await runCommand('ip', ['netns', 'pids', name], { timeoutMs: 10_000 });
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await runCommand('ip', ['netns', 'del', name], { timeoutMs: 10_000 });
    removed.push(name);
  }
  const links = await runCommand('ip', ['-o', 'link', 'show', 'type', 'veth'], { timeoutMs: 10_000 });
  for (const match of links.stdout.matchAll(/^\d+:\s+([^@:\s]+)/gm)) {
    const name = match[1] ?? '';
    const owner = ownerPid(name, VETH_PREFIX, 'h');
    if (owner === undefined || alive(owner)) continue;
    await deleteLink(name);
    removed.push(name);
  }
  return removed;
}

/** The pid (base 36) in a name made by `create`, or undefined when the name is not one of ours. */
function ownerPid(name: string, prefix: string, suffix: '' | 'h'): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const tag = new RegExp(`^([0-9a-z]+)[0-9a-z]{3}${suffix}$`).exec(name.slice(prefix.length));
  return tag?.[1] ? parseInt(tag[1], 36) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A /30 of 10.213.0.0/16 that no address of the host falls in (another test's namespace may be
 * using one): a random one, checked against `ip -4 addr`.
 */
async function freeSubnet(): Promise<{ x: number; y: number }> {
  const used = (await ip('-4', '-o', 'addr', 'show')).stdout;
  for (let i = 0; i < 100; i++) {
    const x = randomInt(256);
    const y = randomInt(64) * 4;
    const taken = [0, 1, 2, 3].some((d) => used.includes(` 10.213.${x}.${y + d}/`));
    if (!taken) return { x, y };
  }
  throw new Error('no free /30 in 10.213.0.0/16 after 100 tries');
}

async function deleteLink(name: string): Promise<void> {
  const shown = await runCommand('ip', ['link', 'show', name], { timeoutMs: 10_000 });
  if (shown.exitCode !== 0) return;
  await ip('link', 'del', name);
}

function inNamespace(ns: string, file: string, args: string[], input?: string): Promise<RunResult> {
  return checked('ip', ['netns', 'exec', ns, file, ...args], input);
}

function ip(...args: string[]): Promise<RunResult> {
  return checked('ip', args);
}

async function checked(file: string, args: string[], input?: string): Promise<RunResult> {
  const result = await runCommand(file, args, { timeoutMs: 10_000, input });
  if (result.exitCode !== 0) throw new Error(`${result.command} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  return result;
}
