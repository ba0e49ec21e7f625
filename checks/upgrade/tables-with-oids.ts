import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface TableRow extends Row {
  nspname: string;
  relname: string;
}

/** PostgreSQL 12 removed WITH OIDS tables. relhasoids exists only up to 11. */
export const tablesWithOids = defineUpgradeCheck<TableRow>({
  id: 'tables-with-oids',
  title: 'Tables declared WITH OIDS',
  pgUpgrade: 'check_for_tables_with_oids',
  severity: 'fail',
  scope: 'database',
  when: 'source 11 or older',
  appliesTo: ({ source, target }) => source <= 11 && target >= 12,
  query: () => `SELECT n.nspname, c.relname
FROM pg_catalog.pg_class c, pg_catalog.pg_namespace n
WHERE c.relnamespace = n.oid AND c.relhasoids AND n.nspname NOT IN ('pg_catalog')
ORDER BY 1, 2`,
  interpret: (rows, ctx) => rows.map((r) => ({ database: ctx.database, object: qualified(r.nspname, r.relname) })),
  advice: 'Run ALTER TABLE … SET WITHOUT OIDS on each table before the upgrade.',
});
