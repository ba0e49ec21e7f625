import { CutoverError } from '../../core/errors.js';
import type { Topology } from '../topology/cluster.js';
import type { PatroniCluster } from './patroni-cluster.js';
import { PatroniRest, describeMembers, runningLeader, type PatroniClusterState, type PatroniMember, type RestCredentials } from './patroni-rest.js';
import { waitForState } from './wait-state.js';

/**
 * The Patroni cluster a step acts on, through its REST API: the one cutover runs (any member that
 * answers), or the one REST API URL the step names (a cluster cutover did not provision, or a
 * wrong address: then every failure names that URL).
 */
export interface PatroniTarget {
  /** The cluster cutover runs, when it is that one (kills, restarts, upgrades need it). */
  readonly cluster?: PatroniCluster;
  /** Where the REST API is reached, for logs. */
  readonly where: string;
  state(signal?: AbortSignal): Promise<PatroniClusterState>;
  /** The REST API to send a request to, preferring the member named (the leader). */
  restFor(member?: string): PatroniRest;
  waitFor(done: (state: PatroniClusterState) => boolean, o: { what: string; timeoutMs: number; signal?: AbortSignal }): Promise<PatroniClusterState>;
}

/** The target of a step: `api` when given, else the Patroni cluster of the topology's writer (or of any role). */
export function patroniTarget(topology: Topology, api: string | undefined, action: string): PatroniTarget {
  const cluster = topologyPatroni(topology);
  if (api !== undefined) return apiTarget(api, cluster?.settings.rest);
  if (!cluster) {
    throw new CutoverError('usage', `${action}: expected a Patroni cluster (blue with provider "patroni") or the step's "api" (a member's REST API URL), got neither (roles: ${[...topology.clusters.keys()].join(', ')})`);
  }
  return {
    cluster,
    where: cluster.nodes.map((n) => n.rest.url).join(', '),
    state: (signal) => cluster.state(signal),
    restFor: (member) => (member && cluster.nodes.some((n) => n.name === member) ? cluster.node(member).rest : (cluster.nodes.find((n) => n.isRunning) ?? cluster.nodes[0]!).rest),
    waitFor: (done, o) => cluster.waitFor(done, o),
  };
}

/** The Patroni cluster cutover runs in this topology, if any. */
export function topologyPatroni(topology: Topology): PatroniCluster | undefined {
  const writer = topology.clusters.get(topology.writer)?.patroni;
  return writer ?? [...topology.clusters.values()].find((c) => c.patroni)?.patroni;
}

/** One REST API URL; credentials in it (`http://user:password@host:port`) authenticate the requests that change the cluster. */
function apiTarget(api: string, fallback: RestCredentials | undefined): PatroniTarget {
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new CutoverError('usage', `field "api": expected a Patroni REST API URL (http://host:8008), got "${api}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CutoverError('usage', `field "api": expected an http:// or https:// URL, got "${api}"`);
  const credentials = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : fallback;
  url.username = '';
  url.password = '';
  const rest = new PatroniRest(url.origin, credentials);
  return {
    where: rest.url,
    state: (signal) => rest.cluster(signal),
    restFor: () => rest,
    waitFor: (done, o) => waitForState(() => rest.cluster(o.signal), done, o),
  };
}

/** The running leader, or a clear error naming the members as they are. */
export function requireLeader(state: PatroniClusterState, action: string): PatroniMember {
  const leader = runningLeader(state);
  if (!leader) throw new CutoverError('provision', `${action}: the Patroni cluster has no running leader (${describeMembers(state)})`);
  return leader;
}

/** A member named as candidate must exist and not be the leader. */
export function checkCandidate(state: PatroniClusterState, candidate: string | undefined, leader: PatroniMember, action: string): void {
  if (candidate === undefined) return;
  if (!state.members.some((m) => m.name === candidate)) {
    throw new CutoverError('usage', `${action}: field "candidate": expected one of ${state.members.filter((m) => m.name !== leader.name).map((m) => `"${m.name}"`).join(', ')}, got "${candidate}"`);
  }
  if (candidate === leader.name) throw new CutoverError('usage', `${action}: field "candidate": "${candidate}" is the leader already; expected a replica`);
}

/** A member that left the leader's role streams again on the new leader's timeline. */
export function rejoined(state: PatroniClusterState, member: string, leader: PatroniMember): boolean {
  const m = state.members.find((x) => x.name === member);
  const now = runningLeader(state);
  return Boolean(m && now && now.name === leader.name && m.role !== 'leader' && m.state === 'streaming' && (m.timeline === undefined || now.timeline === undefined || m.timeline === now.timeline));
}

/**
 * Another member leads and its promotion is done: Patroni lists the new leader as `running` a
 * moment before it leaves recovery, still on the old timeline.
 */
export function promotedAfter(state: PatroniClusterState, old: PatroniMember): boolean {
  const now = runningLeader(state);
  if (!now || now.name === old.name) return false;
  return now.timeline === undefined || old.timeline === undefined || now.timeline > old.timeline;
}
