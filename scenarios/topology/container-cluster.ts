import type { Endpoint } from '../../core/endpoint.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import { ContainerServer } from '../providers/container-server.js';
import { removeLeftovers } from '../providers/container-labels.js';
import { dockerRuntime } from '../providers/docker-runtime.js';
import { findLab } from '../providers/lab-installations.js';
import type { SettingValue } from '../providers/local-server.js';
import type { ProviderSpec } from '../scenario-types.js';
import type { Cluster } from './cluster.js';

export type ContainerSpec = Extract<ProviderSpec, { provider: 'container' }>;

/** A cluster in a container: the version and extensions its image carries, read from the server once it runs. */
export interface ContainerCluster extends Cluster {
  readonly container: ContainerServer;
  /** Extensions the image offers (`pg_available_extensions`: name and default version), for the report. */
  extensions: { name: string; version: string }[];
  keepData(): void;
  /** The Docker volume holding the data (kept with `keepData`), as `baseDir` names a local cluster's. */
  readonly baseDir: string;
}

/**
 * Provisions a role's server as a container of the spec's image: first the containers and volumes
 * a killed cutover left are removed, then the image runs on a volume of its own (or the user's), the
 * scenario's database is created, and the version and extensions are read from the server.
 */
export async function provisionContainer(
  role: string,
  spec: ContainerSpec,
  o: { database: string; settings: Readonly<Record<string, SettingValue>>; port?: number; password?: string; log: (line: string) => void },
): Promise<ContainerCluster> {
  o.log(`provision ${role}: container ${spec.image}`);
  const removed = await removeLeftovers(await dockerRuntime());
  if (removed.length) o.log(`container: removed what an earlier cutover left behind: ${removed.join(', ')}`);
  const server = await ContainerServer.start({
    image: spec.image,
    role,
    log: o.log,
    settings: o.settings,
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.volume ? { volume: spec.volume } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
  });
  try {
    {
      await using admin = await server.admin('postgres');
      const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [o.database]);
      if (!exists.length) await admin.query(`CREATE DATABASE ${quoteIdentifier(o.database)}`);
    }
    const cluster: ContainerCluster = {
      role,
      provider: 'container',
      database: o.database,
      version: '',
      major: 0,
      container: server,
      extensions: [],
      baseDir: `docker volume ${server.volume}`,
      endpoint: (db?: string): Endpoint => server.endpoint(db ?? o.database),
      admin: (db?: string) => server.admin(db ?? o.database),
      async refresh() {
        await using admin = await server.admin('postgres');
        const [row] = await admin.query<{ version: string; num: string }>(`SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`);
        cluster.version = String(row?.version ?? '').split(' ')[0] ?? '';
        cluster.major = Math.floor(Number(row?.num ?? 0) / 10_000);
        const extensions = await admin.query<{ name: string; version: string | null }>(`SELECT name, default_version AS version FROM pg_available_extensions ORDER BY name`);
        cluster.extensions = extensions.map((e) => ({ name: e.name, version: e.version ?? '' }));
      },
      keepData: () => server.keepData(),
      close: () => server.close(),
    };
    await cluster.refresh();
    // The host's client tools of the same major (pg_dump, pg_restore, psql) reach the container over TCP.
    Object.assign(cluster, { toolsBindir: findLab()?.bindir(cluster.major) });
    o.log(`${role}: PostgreSQL ${cluster.version} in ${spec.image} (volume ${server.volume})`);
    return cluster;
  } catch (error) {
    await server.close();
    throw error;
  }
}
