import type { Cluster } from '../topology/cluster.js';
import { quoteIdentifier } from '../../load/sql-ident.js';

/** One `ALTER EXTENSION … UPDATE` applied after an upgrade. */
export interface ExtensionUpdate {
  database: string;
  extension: string;
  from: string;
  to: string;
}

/**
 * In every database that accepts connections, updates each extension whose installed version
 * differs from the default version of the new installation (pg_upgrade carries the old
 * version's catalog objects; the new binaries expect the new ones). Returns what it updated.
 */
export async function updateExtensions(cluster: Cluster): Promise<ExtensionUpdate[]> {
  const databases = await (async () => {
    await using admin = await cluster.admin('postgres');
    const rows = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname`);
    return rows.map((r) => r.datname);
  })();
  const updates: ExtensionUpdate[] = [];
  for (const database of databases) {
    await using session = await cluster.admin(database);
    const pending = await session.query<{ name: string; installed: string; available: string }>(
      `SELECT e.extname AS name, e.extversion AS installed, a.default_version AS available
         FROM pg_extension e JOIN pg_available_extensions a ON a.name = e.extname
        WHERE a.default_version IS NOT NULL AND e.extversion IS DISTINCT FROM a.default_version
        ORDER BY e.extname`,
    );
    for (const p of pending) {
      await session.query(`ALTER EXTENSION ${quoteIdentifier(p.name)} UPDATE`);
      updates.push({ database, extension: p.name, from: p.installed, to: p.available });
    }
  }
  return updates;
}
