import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface OperatorRow extends Row {
  oproid: number | string;
  oprnsp: string;
  oprname: string;
  typnsp: string;
  typname: string;
}

/** PostgreSQL 14 removed postfix operators. */
export const postfixOperators = defineUpgradeCheck<OperatorRow>({
  id: 'postfix-operators',
  title: 'User-defined postfix operators',
  pgUpgrade: 'check_for_user_defined_postfix_ops',
  severity: 'fail',
  scope: 'database',
  when: 'source 13 or older',
  appliesTo: ({ source, target }) => source <= 13 && target >= 14,
  query: () => `SELECT o.oid AS oproid, n.nspname AS oprnsp, o.oprname, tn.nspname AS typnsp, t.typname
FROM pg_catalog.pg_operator o, pg_catalog.pg_namespace n, pg_catalog.pg_type t, pg_catalog.pg_namespace tn
WHERE o.oprnamespace = n.oid AND o.oprleft = t.oid AND t.typnamespace = tn.oid
  AND o.oprright = 0 AND o.oid >= 16384
ORDER BY 2, 3`,
  interpret: (rows, ctx) =>
    rows.map((r) => ({
      database: ctx.database,
      object: `${qualified(r.oprnsp, r.oprname)} (${qualified(r.typnsp, r.typname)}, NONE)`,
    })),
  advice: 'Drop the postfix operators and replace them with prefix operators or function calls.',
});
