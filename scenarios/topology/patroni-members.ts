import { rm } from 'node:fs/promises';
import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import { PatroniCluster } from '../patroni/patroni-cluster.js';
import { findPatroni } from '../patroni/patroni-executable.js';
import { describeMembers } from '../patroni/patroni-rest.js';
import type { PatroniNode } from '../patroni/patroni-node.js';
import type { ProviderSpec } from '../scenario-types.js';
import type { Cluster, Topology } from './cluster.js';

export type PatroniSpec = Extract<ProviderSpec, { provider: 'patroni' }>;

/** How long a new cluster may take to have a leader and every replica streaming. */
const BOOTSTRAP_TIMEOUT_MS = 180_000;

/** The member of a Patroni cluster in a role: the role's cluster also keeps or removes the data. */
export interface PatroniRoleCluster extends Cluster {
  readonly patroni: PatroniCluster;
  readonly baseDir: string;
  keepData(): void;
}

/** `blue`, `blue-2`, `blue-3`: the role names the member that bootstraps; the others follow it. */
export function memberNames(role: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => (i === 0 ? role : `${role}-${i + 1}`));
}

/**
 * Provisions a Patroni cluster for a role: its members are started, the first bootstraps and
 * leads, the others clone it; once every replica streams, the scenario's database is created. The
 * role's cluster is the first member; joining a topology adds the others as roles of their own
 * (their member names) and sets the topology's client endpoint to the multi-host string.
 */
export async function provisionPatroni(role: string, spec: PatroniSpec, o: { database: string; log: (line: string) => void; signal?: AbortSignal }): Promise<PatroniRoleCluster> {
  // The cluster's members become the run's roles and its client endpoint the soak's: only the server being upgraded may be one.
  if (role !== 'blue') throw new CutoverError('config', `scenario: field "${role}": provider "patroni" is for blue (the cluster being rehearsed), got it for ${role}`);
  const patroni = await PatroniCluster.create({ patroni: findPatroni(spec.patroni), bindir: spec.bindir, names: memberNames(role, spec.nodes) });
  o.log(`provision ${role}: Patroni cluster ${patroni.settings.scope} of ${spec.nodes} members (${patroni.nodes.map((n) => n.name).join(', ')}), PostgreSQL from ${spec.bindir}, Raft on loopback`);
  let keep = false;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await patroni.close();
      if (!keep) await rm(patroni.baseDir, { recursive: true, force: true });
    })());
  try {
    const started = Date.now();
    patroni.start();
    const state = await patroni.waitReady({ timeoutMs: BOOTSTRAP_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}), what: `leader and ${spec.nodes - 1} streaming replicas` });
    o.log(`${role}: Patroni cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${describeMembers(state)}`);
    const members = patroni.nodes.map((node) => memberCluster(node, patroni, o.database, close));
    const [first, ...others] = members;
    if (!first) throw new Error('no members');
    {
      await using admin = await first.admin('postgres');
      const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [o.database]);
      if (!exists.length) await admin.query(`CREATE DATABASE ${quoteIdentifier(o.database)}`);
    }
    for (const member of members) await member.refresh();
    const roleCluster: PatroniRoleCluster = Object.assign(first, {
      patroni,
      baseDir: patroni.baseDir,
      keepData: () => void (keep = true),
      joined(topology: Topology) {
        for (const member of others) if (!topology.has(member.role)) topology.add(member);
        topology.clientEndpoint = (db?: string) => patroni.clientEndpoint(db ?? o.database);
      },
    });
    return roleCluster;
  } catch (error) {
    await close();
    throw error;
  }
}

/** One member as a cluster of the topology: its own PostgreSQL, whatever its role in Patroni now. */
function memberCluster(node: PatroniNode, patroni: PatroniCluster, database: string, close: () => Promise<void>): Cluster {
  const endpoint = (db?: string): Endpoint => patroni.endpointOf(node, db ?? database);
  const cluster: Cluster = {
    role: node.name,
    provider: 'patroni',
    database,
    version: '',
    major: 0,
    patroni,
    // The bindir changes at a major upgrade: always the one the members run now.
    get toolsBindir() {
      return patroni.settings.bindir;
    },
    endpoint,
    admin: (db?: string): Promise<Session> => openSession(endpoint(db), { readOnly: false, statementTimeoutMs: 0, applicationName: 'cutover-admin' }),
    async refresh() {
      await using session = await openSession(endpoint('postgres'), { applicationName: 'cutover' });
      const [row] = await session.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
      cluster.version = String(row?.version ?? '').split(' ')[0] ?? '';
      cluster.major = Math.floor(session.serverVersionNum / 10_000);
    },
    close,
  };
  return cluster;
}
