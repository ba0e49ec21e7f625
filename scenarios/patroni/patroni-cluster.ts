import { mkdtemp, mkdir, chown, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import { freePort } from '../providers/free-port.js';
import { serverUser, type ServerUser } from '../providers/server-user.js';
import { startWatchdog, type Watchdog } from '../providers/server-watchdog.js';
import { memberConfig, type ClusterSettings, type MemberLayout } from './patroni-config.js';
import { PatroniNode } from './patroni-node.js';
import { waitForState } from './wait-state.js';
import { runningLeader, streamingReplicas, type PatroniClusterState, type PatroniMember } from './patroni-rest.js';

export interface PatroniClusterOptions {
  /** The `patroni` executable. */
  patroni: string;
  /** PostgreSQL's bindir (initdb, pg_ctl, postgres, pg_basebackup, pg_rewind). */
  bindir: string;
  /** Member names, the first bootstrapping the cluster (its leader at the start). */
  names: string[];
  log?: (line: string) => void;
}

/**
 * A Patroni cluster on loopback that cutover runs: one Patroni per member with the built-in Raft
 * store (no etcd), every port free on 127.0.0.1, every directory under one base directory owned
 * by the servers' user. A watchdog kills the members if the harness dies.
 */
export class PatroniCluster {
  readonly baseDir: string;
  readonly nodes: readonly PatroniNode[];
  readonly settings: ClusterSettings;
  private readonly user: ServerUser | undefined;
  private watchdog: Watchdog | undefined;
  private closing: Promise<void> | undefined;

  private constructor(baseDir: string, nodes: PatroniNode[], settings: ClusterSettings, user: ServerUser | undefined) {
    this.baseDir = baseDir;
    this.nodes = nodes;
    this.settings = settings;
    this.user = user;
  }

  /** Lays out the members (directories, ports, configurations) without starting any. */
  static async create(o: PatroniClusterOptions): Promise<PatroniCluster> {
    const user = serverUser();
    const baseDir = await mkdtemp(join(tmpdir(), 'cutover-patroni-'));
    try {
      await chmod(baseDir, 0o755);
      if (user) await chown(baseDir, user.uid, user.gid);
      const layouts: MemberLayout[] = [];
      for (const name of o.names) {
        const dir = join(baseDir, name);
        await mkdir(dir, { mode: 0o700 });
        if (user) await chown(dir, user.uid, user.gid);
        layouts.push({ name, dir, dataDir: join(dir, 'data'), raftDir: join(dir, 'raft'), pgPort: await freePort(), restPort: await freePort(), raftPort: await freePort() });
      }
      const settings: ClusterSettings = {
        scope: `cutover-${randomBytes(3).toString('hex')}`,
        bindir: o.bindir,
        superuserPassword: randomBytes(12).toString('hex'),
        replicationPassword: randomBytes(12).toString('hex'),
        rest: { username: 'cutover', password: randomBytes(12).toString('hex') },
        raftAddresses: layouts.map((l) => `127.0.0.1:${l.raftPort}`),
      };
      const nodes = layouts.map((l) => new PatroniNode(l, o.patroni, user, settings.rest));
      const cluster = new PatroniCluster(baseDir, nodes, settings, user);
      for (const [i, node] of nodes.entries()) await node.writeConfig(memberConfig(node.layout, settings, { bootstrap: i === 0 }));
      return cluster;
    } catch (error) {
      await rm(baseDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The member of that name, or a clear error naming the members there are. */
  node(name: string): PatroniNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new CutoverError('usage', `Patroni: no member "${name}"; the cluster has ${this.nodes.map((n) => n.name).join(', ')}`);
    return node;
  }

  /** Starts every member's Patroni (the first bootstraps, the others clone it). */
  start(names: readonly string[] = this.nodes.map((n) => n.name)): void {
    this.watchdog ??= startWatchdog({ stopCommand: { file: '/bin/sh', args: ['-c', killScript(this.baseDir)], uid: this.user?.uid, gid: this.user?.gid } });
    for (const name of names) this.node(name).start();
  }

  /**
   * The cluster as the first member that answers sees it (every member reads the same DCS), the
   * members whose Patroni runs asked first. When none answers: a `connect` error naming every URL
   * tried and why each failed.
   */
  async state(signal?: AbortSignal): Promise<PatroniClusterState> {
    const failures: string[] = [];
    let last: unknown;
    const ordered = [...this.nodes.filter((n) => n.isRunning), ...this.nodes.filter((n) => !n.isRunning)];
    for (const node of ordered) {
      try {
        return await node.rest.cluster(signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        last = error;
        const reason = error instanceof CutoverError ? error.shortMessage.replace(/^Patroni REST API unreachable: /, '') : String(error);
        failures.push(`${node.name}${node.isRunning ? '' : ' (its Patroni has exited)'}: ${reason}`);
      }
    }
    throw new CutoverError('connect', `Patroni REST API unreachable: no member answered (${failures.join('; ')})`, { cause: last });
  }

  /**
   * Waits until a leader runs and every other running member streams from it (the cluster is
   * ready for clients and for a switchover). Fails early when a member's Patroni exits.
   */
  async waitReady(o: { timeoutMs?: number; signal?: AbortSignal; what?: string } = {}): Promise<PatroniClusterState> {
    const expected = this.nodes.filter((n) => n.isRunning).length - 1;
    return this.waitFor((s) => Boolean(runningLeader(s)) && streamingReplicas(s).length >= expected, { ...o, what: o.what ?? `a leader and ${expected} streaming replicas` });
  }

  /** Polls the cluster's state until `done` holds or the deadline passes; fails at once when a member's Patroni exits. */
  waitFor(done: (state: PatroniClusterState) => boolean, o: { timeoutMs?: number; signal?: AbortSignal; what: string }): Promise<PatroniClusterState> {
    return waitForState((() => this.state(o.signal)), done, {
      what: o.what,
      timeoutMs: o.timeoutMs ?? 120_000,
      ...(o.signal ? { signal: o.signal } : {}),
      guard: async () => {
        for (const node of this.nodes) if (node.expectedUp && !node.isRunning) await node.assertRunning(`waiting for ${o.what}`);
      },
      diagnostics: () => this.logTails(),
    });
  }

  /** The client endpoint: every member, libpq's `target_session_attrs=read-write` picking the leader. */
  clientEndpoint(database: string): Endpoint {
    const hosts = this.nodes.map((n) => ({ host: '127.0.0.1', port: n.layout.pgPort }));
    const [first] = hosts;
    if (!first) throw new CutoverError('internal', 'Patroni: a cluster without members');
    return { ...this.endpointOf(this.nodes[0]!, database), hosts, targetSessionAttrs: 'read-write' };
  }

  /** One member's PostgreSQL, as the superuser. */
  endpointOf(node: PatroniNode, database: string): Endpoint {
    return { host: '127.0.0.1', port: node.layout.pgPort, database, user: 'postgres', password: this.settings.superuserPassword, sslmode: 'disable' };
  }

  /** Rewrites a member's configuration (after a change of bindir or data directory). */
  async rewriteConfig(node: PatroniNode, o: { bootstrap: boolean }): Promise<void> {
    await node.writeConfig(memberConfig(node.layout, this.settings, o));
  }

  /** The end of every member's log, for an error's full message. */
  async logTails(lines = 15): Promise<string> {
    const parts = await Promise.all(this.nodes.map(async (n) => `--- ${n.logFile} ---\n${await n.logTail(lines)}`));
    return parts.join('\n');
  }

  /** Stops every member (gracefully, then by force), the watchdog with them. Idempotent; the directory stays (see `remove`). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.nodes.map((n) => n.stop()));
      this.watchdog?.stop();
      this.watchdog = undefined;
    })();
    return this.closing;
  }

  /** Removes the base directory (data, logs, Raft journals). */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.baseDir, { recursive: true, force: true });
  }
}

/** Which member leads now, when one runs. */
export function leaderName(state: PatroniClusterState): string | undefined {
  return runningLeader(state)?.name;
}

export type { PatroniMember };

/** A shell script killing every member's Patroni and PostgreSQL under `baseDir` (the watchdog's, when the harness died). */
function killScript(baseDir: string): string {
  const base = `'${baseDir.replace(/'/g, `'\\''`)}'`;
  return [
    `for f in ${base}/*/patroni.pid; do [ -s "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null; done`,
    `for f in ${base}/*/data*/postmaster.pid; do [ -s "$f" ] && kill -QUIT "$(head -n 1 "$f")" 2>/dev/null; done`,
    'exit 0',
  ].join('; ');
}
