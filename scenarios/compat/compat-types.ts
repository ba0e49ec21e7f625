import type { Endpoint, PublicEndpoint } from '../../core/endpoint.js';
import type { Finding } from '../../checks/finding.js';
import type { Cluster } from '../topology/cluster.js';
import type { PgUpgradeCheckResult } from './pg-upgrade-check.js';

/** Where the throwaway target runs: the target installation's own postgres, or the embedded (npm) one of that major. */
export type CompatTargetServer = 'bindir' | 'embedded';

export interface CompatRehearsalOptions {
  /** The source database: any server the target's pg_dump can reach (local or external). */
  source: Endpoint;
  /** The major the schema must restore on. */
  targetMajor: number;
  /** A bindir of the target major with pg_dump, pg_dumpall and psql; default the upgrade lab's. */
  toolsBindir?: string;
  /** Default `bindir` when the tools bindir has a postgres, else `embedded`. */
  targetServer?: CompatTargetServer;
  /**
   * The source as a provisioned cluster (the runner's blue). When it is local (cutover can read
   * its files), the target's `pg_upgrade --check` also runs against a throwaway copy of it
   * (pg_basebackup), never against the source itself.
   */
  sourceCluster?: Cluster;
  /** Where the dump, the roles script and the restore's messages are kept; default a temporary directory, removed. */
  artifactDir?: string;
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What a compatibility rehearsal found; findings feed the gate like a diff's. */
export interface CompatResult {
  startedAt: string;
  durationMs: number;
  source: { endpoint: PublicEndpoint; version: string; major: number };
  target: { major: number; version: string; toolsBindir: string; server: CompatTargetServer; serverBindir: string };
  /** TOC entries of the schema dump, and how many had a statement the target refused. */
  entries: number;
  failedEntries: number;
  /** Roles of the source (pg_dumpall --roles-only) and how many the target refused a statement of. */
  roles: number;
  /** In dump order, so the first cause comes before what follows from it. */
  findings: Finding[];
  pgUpgradeCheck?: PgUpgradeCheckResult;
  /** Kept files, when `artifactDir` was given. */
  artifacts?: { dump: string; roles: string; restoreLog: string; rolesLog: string };
}
