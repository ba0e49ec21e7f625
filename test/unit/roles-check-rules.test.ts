import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type Membership, type RoleInfo, type RolesData, rolesCheck } from '../../checks/roles.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const ctx = { config, pre: { serverVersionNum: 160004 }, post: { serverVersionNum: 170010 } };

function role(name: string, overrides: Partial<RoleInfo> = {}): RoleInfo {
  return {
    name,
    superuser: false,
    inherit: true,
    createRole: false,
    createDb: false,
    login: true,
    replication: false,
    bypassRls: false,
    connectionLimit: -1,
    validUntil: null,
    passwordType: 'scram-sha-256',
    ...overrides,
  };
}

function member(role: string, memberName: string, overrides: Partial<Membership> = {}): Membership {
  return { role, member: memberName, admin: false, inherit: true, set: true, ...overrides };
}

function roles(list: RoleInfo[], memberships: Membership[] = [], source: RolesData['source'] = 'pg_authid'): RolesData {
  return { source, roles: list, memberships };
}

describe('roles compare', () => {
  it('fails on a missing role, warns on changed attributes and lost memberships', () => {
    const pre = roles(
      [role('app'), role('reporting'), role('gone'), role('ops')],
      [member('pg_monitor', 'ops'), member('app', 'reporting'), member('app', 'gone')],
    );
    const post = roles([role('app', { createDb: true, connectionLimit: 10 }), role('reporting'), role('ops'), role('fresh')], [member('app', 'reporting', { admin: true })]);
    const findings = rolesCheck.compare?.(pre, post, ctx);
    expect(keys(findings)).toEqual({
      'missing:gone': 'fail',
      'attributes:app': 'warn',
      'added:fresh': 'info',
      'membership-lost:pg_monitor:ops': 'warn',
      'membership-options:app:reporting': 'warn',
    });
    expect(findings?.find((f) => f.key === 'attributes:app')?.message).toBe('role app attributes changed: createDb false -> true, connectionLimit -1 -> 10');
  });

  it('compares password types only when both sides could read them', () => {
    const pre = roles([role('app', { passwordType: 'md5' })]);
    expect(keys(rolesCheck.compare?.(pre, roles([role('app', { passwordType: 'scram-sha-256' })]), ctx))).toEqual({ 'attributes:app': 'warn' });
    expect(rolesCheck.compare?.(pre, roles([role('app', { passwordType: 'unknown' })], [], 'pg_roles'), ctx)).toEqual([]);
  });

  it('ignores membership options a version does not have (before 16)', () => {
    const pre = roles([role('a'), role('b')], [member('a', 'b', { inherit: null, set: null })]);
    const post = roles([role('a'), role('b')], [member('a', 'b')]);
    expect(rolesCheck.compare?.(pre, post, ctx)).toEqual([]);
  });
});

describe('roles evaluate', () => {
  const data = roles([role('legacy', { passwordType: 'md5' }), role('modern')]);

  it('warns about md5 passwords on 18 and later', () => {
    expect(keys(rolesCheck.evaluate?.(data, { config, serverVersionNum: 180001, suite: 'post' }))).toEqual({ 'md5-password:legacy': 'warn' });
  });

  it('warns about md5 passwords when the configured target is 18, notes them otherwise', () => {
    const toward18 = resolveConfig({ upgrade: { targetMajor: 18 } });
    expect(keys(rolesCheck.evaluate?.(data, { config: toward18, serverVersionNum: 150018, suite: 'pre' }))).toEqual({ 'md5-password:legacy': 'warn' });
    expect(keys(rolesCheck.evaluate?.(data, { config, serverVersionNum: 170010, suite: 'pre' }))).toEqual({ 'md5-password:legacy': 'info' });
  });
});
