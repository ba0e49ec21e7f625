import type { Endpoint } from '../../core/endpoint.js';
import type { Session } from '../../core/session.js';
import type { LocalServer } from '../providers/local-server.js';
import type { Cluster, ProviderKind } from './cluster.js';

/** A cluster cutover provisioned: a LocalServer in a role, using one database of it. */
export async function localCluster(o: {
  role: string;
  provider: Exclude<ProviderKind, 'external'>;
  server: LocalServer;
  database: string;
  /** A full installation of the same major (pg_dump, pg_upgrade...), when known. */
  toolsBindir?: string;
}): Promise<Cluster> {
  const { server, database } = o;
  const cluster: Cluster = {
    role: o.role,
    provider: o.provider,
    database,
    version: '',
    major: 0,
    local: server,
    toolsBindir: o.toolsBindir,
    endpoint: (db?: string): Endpoint => server.endpoint(db ?? database),
    admin: (db?: string): Promise<Session> => server.admin(db ?? database),
    async refresh() {
      await using admin = await server.admin('postgres');
      const [row] = await admin.query<{ version: string; num: string }>(
        `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
      );
      cluster.version = String(row?.version ?? '').split(' ')[0] ?? '';
      cluster.major = Math.floor(Number(row?.num ?? 0) / 10_000);
    },
    close: () => server.close(),
  };
  if (server.isRunning) await cluster.refresh();
  return cluster;
}
