import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface NameRow extends Row {
  kind: string;
  name: string;
}

/** PostgreSQL 19 forbids newlines and carriage returns in database, role and tablespace names. */
export const globalNames = defineUpgradeCheck<NameRow>({
  id: 'global-names',
  title: 'Database, role or tablespace names with a newline or carriage return',
  pgUpgrade: 'check_old_cluster_global_names',
  severity: 'fail',
  scope: 'cluster',
  when: 'source 18 or older, target 19 or newer',
  appliesTo: ({ source, target }) => source <= 18 && target >= 19,
  query: () => `SELECT 'database' AS kind, datname AS name FROM pg_catalog.pg_database WHERE datname ~ '[\\n\\r]'
UNION ALL SELECT 'role', rolname FROM pg_catalog.pg_roles WHERE rolname ~ '[\\n\\r]'
UNION ALL SELECT 'tablespace', spcname FROM pg_catalog.pg_tablespace WHERE spcname ~ '[\\n\\r]'
ORDER BY 1, 2`,
  interpret: (rows) => rows.map((r) => ({ object: JSON.stringify(r.name), detail: r.kind })),
  advice: 'Rename these objects so their names hold no newline or carriage return.',
});
