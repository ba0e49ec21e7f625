import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { describeEndpoint, endpointForHost, publicEndpoint, type EndpointOptions } from '../../core/endpoint.js';
import { redactUrl, resolveEndpoint } from '../../core/resolve-endpoint.js';

let home: string;
let warnings: string[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cutover-multihost-'));
  warnings = [];
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function resolve(options: EndpointOptions, env: NodeJS.ProcessEnv = {}) {
  return resolveEndpoint(options, env, home, (m) => warnings.push(m));
}

function usageMessage(options: EndpointOptions, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolve(options, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('usage');
    return (error as CutoverError).message;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('several hosts, as libpq reads them', () => {
  it('reads host=a,b,c with one port per host', () => {
    const e = resolve({ url: 'host=a,b,c port=5432,5433,5434 dbname=app user=u' });
    expect(e).toMatchObject({ host: 'a', port: 5432, hosts: [{ host: 'a', port: 5432 }, { host: 'b', port: 5433 }, { host: 'c', port: 5434 }] });
    expect(describeEndpoint(e)).toBe('u@a:5432,b:5433,c:5434/app');
  });

  it('gives one port to every host', () => {
    expect(resolve({ url: 'host=a,b port=6000 dbname=d user=u' }).hosts).toEqual([
      { host: 'a', port: 6000 },
      { host: 'b', port: 6000 },
    ]);
  });

  it('refuses a port list whose length matches neither one nor the hosts, naming the option', () => {
    expect(usageMessage({ url: 'host=a,b,c port=1,2 dbname=d' })).toBe(
      'port in url "host=a,b,c port=1,2 dbname=d": expected one port for every host, or one port per host: 3 hosts (a, b, c), 2 ports, got "1,2"',
    );
    expect(usageMessage({}, { PGHOST: 'a', PGPORT: '1,2' })).toContain('PGPORT: expected one port for every host, or one port per host: 1 host, 2 ports');
    expect(usageMessage({ url: 'host=a,b port=1,x' })).toContain('expected a port number from 1 to 65535 in each entry of the list, got "1,x"');
  });

  it('reads URIs with several host[:port] specs, an IPv6 one included, and defaults a missing port', () => {
    const e = resolve({ url: 'postgresql://u:pw@a:1,[::1]:2,c/db?target_session_attrs=read-write' });
    expect(e).toMatchObject({ host: 'a', port: 1, password: 'pw', targetSessionAttrs: 'read-write' });
    expect(e.hosts).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 2 },
      { host: 'c', port: 5432 },
    ]);
    expect(describeEndpoint(e)).toBe('u@a:1,[::1]:2,c:5432/db');
    expect(warnings).toEqual([]);
  });

  it('reads PGHOST/PGPORT lists, PGTARGETSESSIONATTRS and PGLOADBALANCEHOSTS', () => {
    const e = resolve({}, { PGHOST: 'h1,h2', PGPORT: '5433,5434', PGUSER: 'u', PGTARGETSESSIONATTRS: 'prefer-standby', PGLOADBALANCEHOSTS: 'random' });
    expect(e).toMatchObject({ hosts: [{ host: 'h1', port: 5433 }, { host: 'h2', port: 5434 }], targetSessionAttrs: 'prefer-standby', loadBalanceHosts: 'random' });
  });

  it('takes an empty entry of the host list as the default host', () => {
    expect(resolve({ url: 'host=,b port=1,2' }).hosts).toEqual([
      { host: 'localhost', port: 1 },
      { host: 'b', port: 2 },
    ]);
  });

  it('accepts every target_session_attrs and load_balance_hosts value and refuses others, naming the option', () => {
    for (const t of ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']) {
      expect(resolve({ url: `postgresql://h/d?target_session_attrs=${t}` }).targetSessionAttrs).toBe(t);
    }
    expect(resolve({ url: 'host=a,b load_balance_hosts=disable' }).loadBalanceHosts).toBe('disable');
    expect(usageMessage({ url: 'postgresql://h/d?target_session_attrs=master' })).toBe(
      'target_session_attrs in url "postgresql://h/d?target_session_attrs=master": expected one of any, read-write, read-only, primary, standby, prefer-standby, got "master"',
    );
    expect(usageMessage({}, { PGLOADBALANCEHOSTS: 'roundrobin' })).toBe('PGLOADBALANCEHOSTS: expected one of disable, random, got "roundrobin"');
  });

  it('lets explicit options override the URL`s target', () => {
    expect(resolve({ url: 'postgresql://a,b/d?target_session_attrs=standby', targetSessionAttrs: 'read-write' }).targetSessionAttrs).toBe('read-write');
  });

  it('keeps a single host free of the multi-host fields', () => {
    expect(resolve({ url: 'postgresql://u@h:1/d' })).toEqual({ host: 'h', port: 1, user: 'u', database: 'd', sslmode: 'prefer' });
  });
});

describe('passwords of several hosts', () => {
  it('looks each host up in the password file on its own, as libpq does', () => {
    const file = join(home, '.pgpass');
    writeFileSync(file, 'a:5433:app:u:pw-a\nb:5434:app:u:pw-b\n');
    chmodSync(file, 0o600);
    const e = resolve({ url: 'postgresql://u@a:5433,b:5434,c:5435/app' });
    expect(e.password).toBe('pw-a');
    expect(e.hosts).toEqual([
      { host: 'a', port: 5433, password: 'pw-a' },
      { host: 'b', port: 5434, password: 'pw-b' },
      { host: 'c', port: 5435 },
    ]);
    expect(endpointForHost(e, e.hosts?.[1] ?? { host: '', port: 0 }).password).toBe('pw-b');
    // The third host has no line: it gets no password, not the first host's.
    expect(endpointForHost(e, e.hosts?.[2] ?? { host: '', port: 0 }).password).toBeUndefined();
  });

  it('gives a password from the URL to every host', () => {
    const e = resolve({ url: 'postgresql://u:secret@a,b/app' });
    expect(e.hosts).toEqual([
      { host: 'a', port: 5432 },
      { host: 'b', port: 5432 },
    ]);
    expect(endpointForHost(e, { host: 'b', port: 5432 }).password).toBe('secret');
  });

  it('says a password file warning once, not once per host', () => {
    const file = join(home, '.pgpass');
    writeFileSync(file, '*:*:*:*:pw\n');
    chmodSync(file, 0o644);
    resolve({ url: 'postgresql://u@a,b,c/app' });
    expect(warnings).toHaveLength(1);
  });
});

describe('what is printed names every host and no password', () => {
  it('publicEndpoint lists the hosts and the target, never a password', () => {
    const file = join(home, '.pgpass');
    writeFileSync(file, '*:*:*:*:filepw\n');
    chmodSync(file, 0o600);
    const e = resolve({ url: 'postgresql://u@a:1,b:2/db?target_session_attrs=read-write&load_balance_hosts=random' });
    const pub = publicEndpoint(e);
    expect(pub).toEqual({ host: 'a', port: 1, database: 'db', user: 'u', sslmode: 'prefer', hosts: [{ host: 'a', port: 1 }, { host: 'b', port: 2 }], targetSessionAttrs: 'read-write', loadBalanceHosts: 'random' });
    expect(JSON.stringify(pub)).not.toContain('filepw');
    expect(describeEndpoint(pub)).toBe('u@a:1,b:2/db');
  });

  it('redactUrl keeps every host and hides the password', () => {
    expect(redactUrl('postgresql://u:hunter2@a:1,b:2/db?target_session_attrs=read-write')).toBe('postgresql://u:***@a:1,b:2/db?target_session_attrs=read-write');
    expect(redactUrl('host=a,b port=1,2 password=hunter2 target_session_attrs=primary')).toBe('host=a,b port=1,2 password=*** target_session_attrs=primary');
  });

  it('an error about a multi-host URL never echoes its password', () => {
    const message = usageMessage({ url: 'postgresql://u:hunter2@a:1,b:x/db' });
    expect(message).not.toContain('hunter2');
    expect(message).toContain('a:1,b:x');
  });
});
