import { type Endpoint, withDatabase } from '../../core/endpoint.js';
import { parseConnectionString } from '../../core/conninfo-parse.js';
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import type { Cluster } from './cluster.js';

/**
 * A server cutover did not provision: a URL resolved the way libpq resolves one. The database is
 * the URL's when it names one, else `database`. Nothing is created, nothing is stopped.
 */
export async function externalCluster(o: { role: string; url: string; database: string }): Promise<Cluster> {
  const label = `${o.role}.url`;
  const namesDatabase = parseConnectionString(o.url, label).has('dbname');
  const endpoint: Endpoint = resolveEndpoint({ url: o.url, urlLabel: label, ...(namesDatabase ? {} : { database: o.database }) });
  const at = (db?: string): Endpoint => (db === undefined ? endpoint : withDatabase(endpoint, db));
  const cluster: Cluster = {
    role: o.role,
    provider: 'external',
    database: endpoint.database,
    version: '',
    major: 0,
    endpoint: at,
    // The URL's own credentials: whatever that user may do, cutover may do, and nothing more.
    admin: (db?: string): Promise<Session> => openSession(at(db), { readOnly: false, statementTimeoutMs: 0, applicationName: 'cutover-admin' }),
    async refresh() {
      await using session = await openSession(endpoint, { applicationName: 'cutover' });
      const [row] = await session.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
      cluster.version = String(row?.version ?? '').split(' ')[0] ?? '';
      cluster.major = Math.floor(session.serverVersionNum / 10_000);
    },
    close: async () => {},
  };
  await cluster.refresh();
  return cluster;
}
