import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface ColumnRow extends Row {
  nspname: string;
  relname: string;
  attname: string;
}

/**
 * Before 18, a child table could lack a NOT NULL its parent's column has (ALTER … DROP NOT NULL
 * on the child, SET NOT NULL on ONLY the parent...); 18's schema restore rejects that. The
 * check came with 18's pg_upgrade and was back-patched to the supported branches.
 */
export const notNullInheritance = defineUpgradeCheck<ColumnRow>({
  id: 'not-null-inheritance',
  title: 'Inherited columns missing their parent\'s NOT NULL',
  pgUpgrade: 'check_for_not_null_inheritance',
  severity: 'fail',
  scope: 'database',
  when: 'source 18 or older',
  appliesTo: ({ source }) => source <= 18,
  query: () => `SELECT nc.nspname, cc.relname, ac.attname
FROM pg_catalog.pg_inherits i, pg_catalog.pg_attribute ac, pg_catalog.pg_attribute ap,
     pg_catalog.pg_class cc, pg_catalog.pg_namespace nc
WHERE cc.oid = ac.attrelid AND i.inhrelid = ac.attrelid
  AND i.inhparent = ap.attrelid AND ac.attname = ap.attname
  AND cc.relnamespace = nc.oid
  AND ap.attnum > 0 AND ap.attnotnull AND NOT ac.attnotnull
ORDER BY 1, 2, 3`,
  interpret: (rows, ctx) =>
    rows.map((r) => ({ database: ctx.database, object: qualified(r.nspname, r.relname, r.attname) })),
  advice: 'Run ALTER TABLE <child> ALTER <column> SET NOT NULL on each listed column before the upgrade.',
});
