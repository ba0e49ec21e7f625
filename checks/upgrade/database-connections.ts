import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface DatabaseRow extends Row {
  datname: string;
  datallowconn: boolean;
  datconnlimit: number;
}

/**
 * Every database but template0 must accept connections, or pg_upgrade skips (loses) it; a
 * database left invalid by an interrupted DROP DATABASE (datconnlimit -2) cannot be upgraded.
 */
export const databaseConnections = defineUpgradeCheck<DatabaseRow>({
  id: 'database-connections',
  title: 'Databases that do not allow connections',
  pgUpgrade: 'check_for_connection_status',
  severity: 'fail',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  query: () => `SELECT datname, datallowconn, datconnlimit FROM pg_catalog.pg_database
WHERE datname <> 'template0' AND (NOT datallowconn OR datconnlimit = -2)
ORDER BY datname`,
  interpret: (rows) =>
    rows.map((r) => ({
      object: r.datname,
      detail: r.datconnlimit === -2 ? 'invalid database (datconnlimit = -2)' : 'datallowconn = false',
    })),
  advice: 'Allow connections (ALTER DATABASE … ALLOW_CONNECTIONS true) or drop these databases; drop invalid ones.',
});
