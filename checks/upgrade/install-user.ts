import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface InstallUserRow extends Row {
  install_user: string | null;
  connected_as: string;
}

/**
 * pg_upgrade must connect as the bootstrap superuser (the role with OID 10), and it finds that
 * role with `rolname !~ '^pg_'`: an install user named pg_… can never pass. Which user pg_upgrade
 * will be run as cannot be known from here, so the install user's name is kept as a fact.
 * pg_roles, not pg_authid, so that pg_monitor is enough.
 */
export const installUser = defineUpgradeCheck<InstallUserRow>({
  id: 'install-user',
  title: 'The install user pg_upgrade must run as',
  pgUpgrade: 'check_is_install_user',
  severity: 'fail',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  query: () => `SELECT (SELECT rolname FROM pg_catalog.pg_roles WHERE oid = 10) AS install_user, current_user AS connected_as`,
  interpret: (rows) => {
    const name = rows[0]?.install_user;
    if (name === null || name === undefined) return [{ object: '(oid 10)', detail: 'no role with OID 10 is visible' }];
    return /^pg_/.test(name) ? [{ object: name, detail: 'the install user (OID 10) has a reserved pg_ name' }] : [];
  },
  facts: (rows) => ({ installUser: rows[0]?.install_user ?? null, connectedAs: rows[0]?.connected_as ?? null }),
  advice: 'Run pg_upgrade as the install user (-U <install user>); the new cluster must be initialised with the same user name and hold no other roles.',
});
