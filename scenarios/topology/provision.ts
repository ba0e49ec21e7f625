import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import type { ProvisionOptions } from '../actions/action-types.js';
import { LocalServer, type SettingValue } from '../providers/local-server.js';
import { embeddedBindir, embeddedFullVersion } from '../providers/embedded-binaries.js';
import { findLab } from '../providers/lab-installations.js';
import { installationWithExtensions, withPreload } from '../providers/extension-install.js';
import type { ProviderSpec } from '../scenario-types.js';
import type { Cluster } from './cluster.js';
import { externalCluster } from './external-cluster.js';
import { localCluster } from './local-cluster.js';
import { provisionContainer } from './container-cluster.js';
import { provisionPatroni } from './patroni-members.js';

/**
 * Settings of every provisioned server: logical decoding on (the logical method needs it on
 * blue, and it costs little elsewhere) and room for the slots and senders of a blue/green.
 * `shared_preload_libraries` is left as the installation has it.
 */
export const PROVISION_SETTINGS: Readonly<Record<string, SettingValue>> = {
  wal_level: 'logical',
  max_replication_slots: 16,
  max_wal_senders: 16,
};

/** A cluster cutover provisioned: its data directory, and whether to keep it when the run ends. */
export interface ProvisionedCluster extends Cluster {
  /** The directory holding the data directory and the server log. */
  readonly baseDir: string;
  /** Keeps the data directory when the cluster closes (a failed rehearsal never destroys blue). */
  keepData(): void;
}

export interface ProvisionClusterOptions extends ProvisionOptions {
  /** The scenario's database, created on provisioned servers that are started. */
  database: string;
  log: (line: string) => void;
}

/**
 * Turns a role's provider spec into a cluster: embedded and bindir specs become a new local
 * server (started unless `start: false`, with the database created), external specs a connection.
 */
export async function provisionCluster(role: string, spec: ProviderSpec, o: ProvisionClusterOptions): Promise<Cluster> {
  if (spec.provider === 'external') {
    const cluster = await externalCluster({ role, url: spec.url, database: o.database });
    o.log(`${role}: external PostgreSQL ${cluster.version}`);
    return cluster;
  }
  if (spec.provider === 'container') {
    const merged = { ...spec, ...(o.env ? { env: { ...spec.env, ...o.env } } : {}), ...(o.volume ? { volume: o.volume } : {}) };
    return provisionContainer(role, merged, { ...o, settings: { ...PROVISION_SETTINGS, ...o.settings } });
  }
  if (spec.provider === 'patroni') return provisionPatroni(role, spec, o);
  const start = o.start ?? true;
  const what = spec.provider === 'embedded' ? `embedded PostgreSQL ${embeddedFullVersion(spec.version)}` : `PostgreSQL from ${spec.bindir}`;
  o.log(`provision ${role}: ${what}`);
  // Our own base directory, so that cutover (not the server's close) decides whether data is kept.
  const baseDir = await mkdtemp(join(tmpdir(), `cutover-${role.replace(/[^a-z0-9-]/gi, '')}-`));
  let server: LocalServer;
  try {
    const settings: Record<string, SettingValue> = { ...PROVISION_SETTINGS, ...o.settings };
    let installation: { bindir: string } | { version: string } = spec.provider === 'embedded' ? { version: spec.version } : { bindir: spec.bindir };
    if (spec.extensions) {
      // Into a copy: the installation itself (an npm package's, the system's) is never written.
      const from = spec.provider === 'embedded' ? embeddedBindir(spec.version) : spec.bindir;
      const copy = await installationWithExtensions(from, spec.extensions, join(baseDir, 'installation'), `${role}: field "extensions"`);
      installation = { bindir: copy.bindir };
      if (copy.preload.length) settings.shared_preload_libraries = withPreload(settings.shared_preload_libraries?.toString(), copy.preload);
      o.log(`${role}: ${copy.extensions.join(', ') || 'libraries'} installed into a copy of ${from}${copy.preload.length ? ` (preloaded: ${copy.preload.join(', ')})` : ''}`);
    }
    server = await LocalServer.init({
      ...installation,
      name: `${role} (${spec.provider === 'embedded' ? `embedded ${embeddedFullVersion(spec.version)}` : spec.bindir})`,
      baseDir,
      port: o.port,
      initdbArgs: o.initdbArgs,
      password: o.password,
      settings,
    });
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
  let keep = false;
  try {
    if (start) {
      await server.start();
      await using admin = await server.admin('postgres');
      const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [o.database]);
      if (!exists.length) await admin.query(`CREATE DATABASE ${quoteIdentifier(o.database)}`);
    }
    const major = await dataDirectoryMajor(server);
    const cluster = await localCluster({
      role,
      provider: spec.provider,
      server,
      database: o.database,
      toolsBindir: spec.provider === 'bindir' ? spec.bindir : findLab()?.bindir(major),
    });
    if (!cluster.major) {
      cluster.major = major;
      cluster.version = spec.provider === 'embedded' ? embeddedFullVersion(spec.version) : await binaryVersion(spec.bindir);
    }
    const provisioned: ProvisionedCluster = Object.assign(cluster, {
      baseDir,
      keepData: () => void (keep = true),
      close: async () => {
        await server.close();
        if (!keep) await rm(baseDir, { recursive: true, force: true });
      },
    });
    return provisioned;
  } catch (error) {
    await server.close().catch(() => {});
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
}

/** Whether a cluster is one cutover provisioned (it has a data directory of its own). */
export function isProvisioned(cluster: Cluster): cluster is ProvisionedCluster {
  return 'keepData' in cluster && typeof (cluster as ProvisionedCluster).keepData === 'function';
}

/** The major version initdb wrote in the data directory (known before the server ever starts). */
async function dataDirectoryMajor(server: LocalServer): Promise<number> {
  const text = await readFile(join(server.dataDir, 'PG_VERSION'), 'utf8');
  const major = Number(text.trim());
  if (!Number.isInteger(major) || major < 9) throw new CutoverError('provision', `${server.name}: unreadable PG_VERSION "${text.trim()}"`);
  return major;
}

/** `17.11` from `postgres --version` of a bindir. */
async function binaryVersion(bindir: string): Promise<string> {
  const postgres = join(bindir, 'postgres');
  if (!existsSync(postgres)) return '';
  const result = await runCommand(postgres, ['--version'], { timeoutMs: 10_000 });
  return /(\d+(?:\.\d+)?)/.exec(result.stdout)?.[1] ?? '';
}
