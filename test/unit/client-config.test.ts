import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import type { Endpoint, SslMode } from '../../core/endpoint.js';
import { tlsAttempts, toClientConfig } from '../../core/client-config.js';
import { CutoverError } from '../../core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'cutover-client-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');

const endpoint = (sslmode: SslMode, extra: Partial<Endpoint> = {}): Endpoint => ({
  host: 'db.example',
  port: 5432,
  database: 'app',
  user: 'alice',
  sslmode,
  ...extra,
});

/** Which attempts a mode makes: "tls" or "plain", in order. */
const plan = (e: Endpoint) => tlsAttempts(e).map((a) => (a === false ? 'plain' : 'tls'));

describe("libpq's sslmode as connection attempts", () => {
  it('orders the attempts as libpq does', () => {
    expect(plan(endpoint('disable'))).toEqual(['plain']);
    expect(plan(endpoint('allow'))).toEqual(['plain', 'tls']);
    expect(plan(endpoint('prefer'))).toEqual(['tls', 'plain']);
    expect(plan(endpoint('require'))).toEqual(['tls']);
    expect(plan(endpoint('verify-ca', { sslrootcert: ca }))).toEqual(['tls']);
    expect(plan(endpoint('verify-full', { sslrootcert: ca }))).toEqual(['tls']);
  });

  it('never uses TLS over a Unix socket', () => {
    expect(plan(endpoint('require', { host: '/var/run/postgresql' }))).toEqual(['plain']);
  });

  it('encrypts without verifying for require when there is no root certificate', () => {
    const [tls] = tlsAttempts(endpoint('require')) as ConnectionOptions[];
    expect(tls).toMatchObject({ rejectUnauthorized: false });
    expect(tls?.ca).toBeUndefined();
  });

  it('verifies the chain, not the host name, for require with a root certificate (libpq`s verify-ca rule) and for verify-ca', () => {
    for (const mode of ['require', 'verify-ca'] as const) {
      const [tls] = tlsAttempts(endpoint(mode, { sslrootcert: ca })) as ConnectionOptions[];
      expect(tls?.rejectUnauthorized).toBe(true);
      expect(tls?.ca).toContain('BEGIN CERTIFICATE');
      expect(tls?.checkServerIdentity?.('other.example', {} as never)).toBeUndefined();
    }
  });

  it('verifies the chain and the host name for verify-full', () => {
    const [tls] = tlsAttempts(endpoint('verify-full', { sslrootcert: ca })) as ConnectionOptions[];
    expect(tls?.rejectUnauthorized).toBe(true);
    expect(tls?.checkServerIdentity).toBeUndefined(); // Node's own check, host name included
  });

  it('refuses verify-full without a root certificate file', () => {
    expect(() => tlsAttempts(endpoint('verify-full', { sslrootcert: join(dir, 'missing.pem') }))).toThrow(CutoverError);
    expect(() => tlsAttempts(endpoint('verify-ca'))).toThrow(/expected a CA certificate file, got none/);
  });

  it('gives node-postgres a password function, so it never reads PGPASSWORD or its own pgpass', async () => {
    const withPassword = toClientConfig(endpoint('disable', { password: 's3cret' }), false);
    const without = toClientConfig(endpoint('disable'), false);
    expect(typeof withPassword.password).toBe('function');
    expect(await (withPassword.password as () => string)()).toBe('s3cret');
    expect(() => (without.password as () => string)()).toThrow(/none was given/);
  });
});
