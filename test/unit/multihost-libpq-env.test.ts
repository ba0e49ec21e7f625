import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../core/endpoint.js';
import { libpqCaveat, libpqEnv } from '../../scenarios/upgrade/libpq-env.js';

const single: Endpoint = { host: 'h', port: 5432, database: 'app', user: 'u', password: 'pw', sslmode: 'prefer' };
const multi: Endpoint = {
  ...single,
  host: 'a',
  port: 5433,
  hosts: [
    { host: 'a', port: 5433 },
    { host: 'b', port: 5434 },
  ],
  targetSessionAttrs: 'read-write',
  loadBalanceHosts: 'random',
};

describe('libpq tools reach a multi-host endpoint through their own variables', () => {
  it('passes one host as before, and drops target variables of the caller`s shell', () => {
    const env = libpqEnv(single, { PGTARGETSESSIONATTRS: 'standby', PATH: '/bin' });
    expect(env).toMatchObject({ PGHOST: 'h', PGPORT: '5432', PGPASSWORD: 'pw', PATH: '/bin' });
    expect(env.PGTARGETSESSIONATTRS).toBeUndefined();
  });

  it('passes libpq`s lists, target_session_attrs and load_balance_hosts', () => {
    expect(libpqEnv(multi, {})).toMatchObject({ PGHOST: 'a,b', PGPORT: '5433,5434', PGTARGETSESSIONATTRS: 'read-write', PGLOADBALANCEHOSTS: 'random', PGPASSWORD: 'pw' });
  });

  it('leaves the password file to the tool when it gave each host a different password', () => {
    const perHost: Endpoint = { ...multi, password: 'pa', hosts: [{ host: 'a', port: 5433, password: 'pa' }, { host: 'b', port: 5434, password: 'pb' }] };
    const env = libpqEnv(perHost, { PGPASSWORD: 'inherited', PGPASSFILE: '/home/u/.pgpass' });
    expect(env.PGPASSWORD).toBeUndefined();
    expect(env.PGPASSFILE).toBe('/home/u/.pgpass');
  });

  it('says what an older libpq would do differently', () => {
    expect(libpqCaveat(multi, 'pg_dump', 15)).toBe('pg_dump 15 ignores load_balance_hosts=random (libpq 16 or later honours it): it tries the hosts in order');
    expect(libpqCaveat(multi, 'pg_dump', 16)).toBeUndefined();
    expect(libpqCaveat({ ...multi, targetSessionAttrs: 'standby' }, 'psql', 13)).toContain('psql 13 does not know target_session_attrs=standby (libpq 14 or later does)');
    expect(libpqCaveat({ ...multi, targetSessionAttrs: 'read-write', loadBalanceHosts: 'disable' }, 'psql', 12)).toBeUndefined();
  });
});
