import type { Endpoint } from '../../core/endpoint.js';
import type { Session } from '../../core/session.js';
import type { LocalServer } from '../providers/local-server.js';
import type { ContainerServer } from '../providers/container-server.js';
import type { PatroniCluster } from '../patroni/patroni-cluster.js';

/** Where a role's server comes from: npm binaries, a local installation, or nothing (a URL). */
export type ProviderKind = 'embedded' | 'bindir' | 'external' | 'container' | 'patroni';

/**
 * One server of a run in a role (`blue`, `green`, a replica), whatever provided it. Actions reach
 * the server only through this: provisioned clusters carry their `LocalServer`; external ones
 * are connection URLs and nothing more, so actions that need files or binaries refuse them with a
 * clear error.
 */
export interface Cluster {
  /** `blue`, `green`, `replica-1`... */
  readonly role: string;
  readonly provider: ProviderKind;
  /** The database the dataset, the checks and the soak use (default `app`). */
  readonly database: string;
  /** Full server version once known (`16.14`, `17.11`); it changes after a minor restart or upgrade. */
  version: string;
  /** Major version number (15, 17, 18). */
  major: number;
  /** Where the server accepts connections now, for `database` unless another is named. */
  endpoint(database?: string): Endpoint;
  /** A writable superuser (or the external URL's user) session: fixtures, DDL, replication setup. */
  admin(database?: string): Promise<Session>;
  /** The local server, when cutover provisioned it (embedded, bindir); undefined for external. */
  readonly local?: LocalServer;
  /** The container, when the server runs in one (provider `container`). */
  readonly container?: ContainerServer;
  /** The Patroni cluster the server is a member of (provider `patroni`): its REST API, its nodes. */
  readonly patroni?: PatroniCluster;
  /**
   * Called once when the cluster joins a run's topology: a Patroni cluster adds its other members
   * and sets the topology's client endpoint (the multi-host string that follows the leader).
   */
  joined?(topology: Topology): void;
  /** The bindir of a full installation of this major (pg_dump, pg_upgrade...), when one is known. */
  readonly toolsBindir?: string;
  /** Reads the version again (after a restart on new binaries). */
  refresh(): Promise<void>;
  /** Stops and removes what cutover provisioned; nothing for external. Idempotent. */
  close(): Promise<void>;
}

/** The servers of a run by role; `writer` is the role the load's writes reach now. */
export interface Topology {
  readonly clusters: ReadonlyMap<string, Cluster>;
  /** Role of the server that takes the writes now (moves at a switchover). */
  writer: string;
  /**
   * Where clients connect when the topology has several servers that may each become the primary
   * (standbys, a Patroni cluster): a multi-host endpoint with `targetSessionAttrs: 'read-write'`,
   * which follows the primary through a failover. The soak connects there when it is set.
   */
  clientEndpoint?: (database?: string) => Endpoint;
  /** The cluster of a role, or a clear error naming the roles there are. */
  get(role: string): Cluster;
  has(role: string): boolean;
  /** Adds a cluster an action provisioned (the green of a pg-upgrade, a dump-restore, a blue/green). */
  add(cluster: Cluster): void;
  /** Closes every provisioned cluster (never blue's data while a run failed: see the runner). */
  close(): Promise<void>;
}
