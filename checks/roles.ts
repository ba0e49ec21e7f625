import type { Session } from '../core/session.js';
import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';

/** How a role's password is stored; never the hash itself. `unknown` when pg_authid is not readable. */
export type PasswordType = 'md5' | 'scram-sha-256' | 'none' | 'unknown';

export interface RoleInfo {
  name: string;
  superuser: boolean;
  inherit: boolean;
  createRole: boolean;
  createDb: boolean;
  login: boolean;
  replication: boolean;
  bypassRls: boolean;
  /** -1 for no limit. */
  connectionLimit: number;
  /** `rolvaliduntil` as PostgreSQL prints it (`infinity` included); null when unset. */
  validUntil: string | null;
  passwordType: PasswordType;
}

/** `member` is a member of `role`; options aggregated over every grantor. */
export interface Membership {
  role: string;
  member: string;
  admin: boolean;
  /** 16+: whether the member inherits the role's privileges / may SET ROLE to it; null before 16. */
  inherit: boolean | null;
  set: boolean | null;
}

export interface RolesData {
  /** Where attributes came from: pg_authid (superuser) or pg_roles (password types unknown). */
  source: 'pg_authid' | 'pg_roles';
  /** User roles; the predefined `pg_*` roles belong to the server version, not to the cluster. */
  roles: RoleInfo[];
  /** Every membership, predefined roles included (a grant of pg_monitor is configuration). */
  memberships: Membership[];
}

const ATTRIBUTES = ['superuser', 'inherit', 'createRole', 'createDb', 'login', 'replication', 'bypassRls', 'connectionLimit', 'validUntil', 'passwordType'] as const;

/** Roles, their attributes and password types, and memberships. */
export const rolesCheck = defineCheck<RolesData>({
  id: 'roles',
  title: 'Roles, attributes, password types and memberships',
  doc: {
    collects: 'roles with their attributes, password types (never the passwords) and memberships with their options',
    evaluates: 'roles with MD5 passwords (deprecated; warned against where the target major warns)',
    compares: 'roles missing or added, and changed attributes, lost memberships or changed membership options',
    findings: {
      missing: { severity: 'fail', meaning: 'a role of pre is not there after' },
      added: { severity: 'info', meaning: 'a role appeared' },
      attributes: { severity: 'warn', meaning: 'a role has other attributes (LOGIN, SUPERUSER…)' },
      'membership-lost': { severity: 'warn', meaning: 'a membership of pre is not there after' },
      'membership-options': { severity: 'warn', meaning: 'a membership has other options (ADMIN, INHERIT, SET)' },
      'md5-password': { severity: 'varies', meaning: 'a role has an MD5 password: warn from PostgreSQL 18, else info' },
    },
  },
  async collect(ctx) {
    const [priv] = await ctx.db.query<{ ok: boolean }>(`SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS ok`);
    const source = priv?.ok ? 'pg_authid' : 'pg_roles';
    return { source, roles: await listRoles(ctx.db, source), memberships: await listMemberships(ctx.db, ctx.serverVersionNum) };
  },
  evaluate(data, ctx) {
    // md5 passwords are deprecated from 18 on: a warning when this server or the target is 18+.
    const target = Math.max(Math.floor(ctx.serverVersionNum / 10000), ctx.config.upgrade.targetMajor ?? 0);
    return data.roles
      .filter((r) => r.passwordType === 'md5')
      .map((r) => ({
        key: `md5-password:${r.name}`,
        severity: target >= 18 ? 'warn' : 'info',
        message: `role ${r.name} has an md5 password${target >= 18 ? ', deprecated in PostgreSQL 18' : ''}: set it again with password_encryption = scram-sha-256`,
        object: r.name,
      }));
  },
  compare(pre, post) {
    return [...compareRoles(pre, post), ...compareMemberships(pre, post)];
  },
});

function compareRoles(pre: RolesData, post: RolesData): FindingInput[] {
  const after = new Map(post.roles.map((r) => [r.name, r]));
  const findings: FindingInput[] = [];
  for (const a of pre.roles) {
    const b = after.get(a.name);
    if (!b) {
      findings.push({ key: `missing:${a.name}`, severity: 'fail', message: `role ${a.name} is missing after`, object: a.name });
      continue;
    }
    const changes: Record<string, { pre: unknown; post: unknown }> = {};
    for (const attr of ATTRIBUTES) {
      // A password type is only known with pg_authid; unknown on either side is no change.
      if (attr === 'passwordType' && (a.passwordType === 'unknown' || b.passwordType === 'unknown')) continue;
      if (a[attr] !== b[attr]) changes[attr] = { pre: a[attr], post: b[attr] };
    }
    if (Object.keys(changes).length) {
      findings.push({
        key: `attributes:${a.name}`,
        severity: 'warn',
        message: `role ${a.name} attributes changed: ${Object.entries(changes).map(([k, v]) => `${k} ${String(v.pre)} -> ${String(v.post)}`).join(', ')}`,
        object: a.name,
        details: changes,
      });
    }
  }
  const before = new Set(pre.roles.map((r) => r.name));
  for (const b of post.roles) {
    if (!before.has(b.name)) findings.push({ key: `added:${b.name}`, severity: 'info', message: `role ${b.name} is new after`, object: b.name });
  }
  return findings;
}

function compareMemberships(pre: RolesData, post: RolesData): FindingInput[] {
  const key = (m: Membership) => `${m.role}:${m.member}`;
  const after = new Map(post.memberships.map((m) => [key(m), m]));
  const goneRoles = new Set(pre.roles.map((r) => r.name).filter((n) => !post.roles.some((r) => r.name === n)));
  const findings: FindingInput[] = [];
  for (const a of pre.memberships) {
    const b = after.get(key(a));
    if (!b) {
      // A lost role already fails; its memberships are part of that finding.
      if (goneRoles.has(a.member) || goneRoles.has(a.role)) continue;
      findings.push({
        key: `membership-lost:${key(a)}`,
        severity: 'warn',
        message: `role ${a.member} is no longer a member of ${a.role}`,
        object: a.member,
        details: { role: a.role, member: a.member },
      });
      continue;
    }
    const changed = (['admin', 'inherit', 'set'] as const).filter((o) => a[o] !== null && b[o] !== null && a[o] !== b[o]);
    if (changed.length) {
      findings.push({
        key: `membership-options:${key(a)}`,
        severity: 'warn',
        message: `membership of ${a.member} in ${a.role} changed: ${changed.map((o) => `${o} ${String(a[o])} -> ${String(b[o])}`).join(', ')}`,
        object: a.member,
        details: Object.fromEntries(changed.map((o) => [o, { pre: a[o], post: b[o] }])),
      });
    }
  }
  return findings;
}

interface RoleRow extends Record<string, unknown> {
  name: string;
  superuser: boolean;
  inherit: boolean;
  createrole: boolean;
  createdb: boolean;
  login: boolean;
  replication: boolean;
  bypassrls: boolean;
  connlimit: number;
  validuntil: string | null;
  password: PasswordType;
}

async function listRoles(db: Session, source: RolesData['source']): Promise<RoleInfo[]> {
  // Only the kind of hash leaves the server: the CASE runs there, the hash is never selected.
  const password =
    source === 'pg_authid'
      ? `CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'md5%' THEN 'md5'
              WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256' ELSE 'unknown' END`
      : `'unknown'`;
  const rows = await db.query<RoleRow>(
    `SELECT rolname AS name, rolsuper AS superuser, rolinherit AS inherit, rolcreaterole AS createrole,
            rolcreatedb AS createdb, rolcanlogin AS login, rolreplication AS replication, rolbypassrls AS bypassrls,
            rolconnlimit AS connlimit, rolvaliduntil::text AS validuntil, ${password} AS password
       FROM pg_catalog.${source}
      WHERE rolname !~ '^pg_'
      ORDER BY rolname`,
  );
  return rows.map((r) => ({
    name: r.name,
    superuser: r.superuser,
    inherit: r.inherit,
    createRole: r.createrole,
    createDb: r.createdb,
    login: r.login,
    replication: r.replication,
    bypassRls: r.bypassrls,
    connectionLimit: Number(r.connlimit),
    validUntil: r.validuntil,
    passwordType: r.password,
  }));
}

async function listMemberships(db: Session, versionNum: number): Promise<Membership[]> {
  // 16 records one grant per grantor, with INHERIT and SET options; dumps and pg_upgrade may
  // change the grantor, so grants are merged per (role, member).
  const options = versionNum >= 160000 ? 'bool_or(am.inherit_option) AS inherit, bool_or(am.set_option) AS set' : 'NULL::boolean AS inherit, NULL::boolean AS set';
  return db.query<Membership & Record<string, unknown>>(
    `SELECT r.rolname AS role, m.rolname AS member, bool_or(am.admin_option) AS admin, ${options}
       FROM pg_catalog.pg_auth_members am
       JOIN pg_catalog.pg_roles r ON r.oid = am.roleid
       JOIN pg_catalog.pg_roles m ON m.oid = am.member
      GROUP BY r.rolname, m.rolname
      ORDER BY r.rolname, m.rolname`,
  );
}
