import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface RoleRow extends Row {
  roloid: number | string;
  rolname: string;
}

/** From 9.6, role names starting with pg_ are reserved for built-in roles. */
export const pgRolePrefix = defineUpgradeCheck<RoleRow>({
  id: 'pg-role-prefix',
  title: 'Roles whose names start with "pg_"',
  pgUpgrade: 'check_for_pg_role_prefix',
  severity: 'fail',
  scope: 'cluster',
  when: 'source 9.5 or older',
  appliesTo: ({ source, target }) => source <= 9.5 && target >= 9.6,
  query: () => `SELECT oid AS roloid, rolname FROM pg_catalog.pg_roles WHERE rolname ~ '^pg_' ORDER BY rolname`,
  interpret: (rows) => rows.map((r) => ({ object: r.rolname, detail: `oid ${String(r.roloid)}` })),
  advice: 'Rename these roles (ALTER ROLE … RENAME TO) before the upgrade.',
});
