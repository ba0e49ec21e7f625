import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface DatabaseRow extends Row {
  datname: string;
}

/** template0 must not accept connections, or restoring the globals (pg_dumpall) fails. */
export const template0Connections = defineUpgradeCheck<DatabaseRow>({
  id: 'template0-connections',
  title: 'template0 allows connections',
  pgUpgrade: 'check_for_connection_status',
  severity: 'fail',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  query: () => `SELECT datname FROM pg_catalog.pg_database WHERE datname = 'template0' AND datallowconn`,
  interpret: (rows) => rows.map((r) => ({ object: r.datname, detail: 'datallowconn = true' })),
  advice: 'Run ALTER DATABASE template0 ALLOW_CONNECTIONS false.',
});
