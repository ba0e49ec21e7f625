import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer, freePort } from '../../scenarios/providers/index.js';
import { CutoverError } from '../../core/errors.js';
import { type Endpoint, describeEndpoint, publicEndpoint } from '../../core/endpoint.js';
import { openSession, type SessionOptions } from '../../core/session.js';
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import { installServerCertificate, makeTestCertificates, type TestCertificates } from '../support/certificates.js';
import { waitFor } from '../support/lab.js';

/**
 * Connections against real embedded PostgreSQL 17 servers: one with TLS on (a CA and server
 * certificates made here with openssl), one without. libpq's sslmode semantics, the errors a
 * user sees, and the session settings every check relies on.
 */

const dir = mkdtempSync(join(tmpdir(), 'cutover-connections-'));
let certs: TestCertificates;
let tlsServer: LocalServer;
let plainServer: LocalServer;

/** Roles the TLS server's pg_hba.conf admits only over TLS, or only without it. */
const TLS_ONLY = { user: 'tls_only', password: 'tls-only-pw' };
const PLAIN_ONLY = { user: 'plain_only', password: 'plain-only-pw' };

async function startTlsServer(): Promise<LocalServer> {
  const server = await LocalServer.init({
    version: '17',
    name: 'pg17-tls',
    hba: [`hostnossl all ${TLS_ONLY.user} 127.0.0.1/32 reject`, `hostssl all ${PLAIN_ONLY.user} 127.0.0.1/32 reject`],
  });
  try {
    await installServerCertificate(server.dataDir, certs.server, 'server');
    await installServerCertificate(server.dataDir, certs.serverIpOnly, 'server-ip');
    await server.configure({ ssl: true, ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' });
    await server.start();
    await using admin = await server.admin();
    for (const role of [TLS_ONLY, PLAIN_ONLY]) await admin.query(`CREATE ROLE ${role.user} LOGIN PASSWORD '${role.password}'`);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

beforeAll(async () => {
  certs = await makeTestCertificates(dir);
  [tlsServer, plainServer] = await Promise.all([startTlsServer(), LocalServer.start({ version: '17', name: 'pg17-plain' })]);
});

afterAll(async () => {
  await Promise.allSettled([tlsServer?.close(), plainServer?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Whether a session of this endpoint is encrypted, as the server sees it. */
async function usesTls(endpoint: Endpoint, options: SessionOptions = {}): Promise<boolean> {
  await using session = await openSession(endpoint, options);
  const [row] = await session.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return row?.ssl ?? false;
}

/** The CutoverError opening a session throws (fails the test if none). */
async function connectError(endpoint: Endpoint, options: SessionOptions = {}): Promise<CutoverError> {
  const error: unknown = await openSession(endpoint, options).then(
    async (session) => {
      await session.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CutoverError);
  return error as CutoverError;
}

/** Every way an error can be shown or stored. */
const renderings = (error: CutoverError): string => [error.message, error.shortMessage, JSON.stringify(error), inspect(error, { depth: 6 })].join('\n');

describe('a server with TLS on', () => {
  const at = (host: string, extra: Partial<Endpoint>): Endpoint => ({ ...tlsServer.endpoint(), host, ...extra });

  it('verify-full succeeds with the CA, by IP address and by host name', async () => {
    expect(await usesTls(at('127.0.0.1', { sslmode: 'verify-full', sslrootcert: certs.ca }))).toBe(true);
    expect(await usesTls(at('localhost', { sslmode: 'verify-full', sslrootcert: certs.ca }))).toBe(true);
  });

  it('verify-full fails with a CA that did not sign the certificate', async () => {
    const error = await connectError(at('127.0.0.1', { sslmode: 'verify-full', sslrootcert: certs.otherCa }));
    expect(error.code).toBe('connect');
    expect(error.shortMessage).toMatch(/^cannot connect to postgres@127\.0\.0\.1:\d+\/postgres: TLS with sslmode=verify-full failed: /);
    expect(error.hint).toContain('sslrootcert');
  });

  it('verify-ca fails with the wrong CA too, and require with a root certificate verifies the chain as libpq does', async () => {
    expect((await connectError(at('127.0.0.1', { sslmode: 'verify-ca', sslrootcert: certs.otherCa }))).code).toBe('connect');
    expect((await connectError(at('127.0.0.1', { sslmode: 'require', sslrootcert: certs.otherCa }))).code).toBe('connect');
  });

  it('prefer falls back to a plain connection when the certificate does not verify, as libpq does', async () => {
    expect(await usesTls(at('127.0.0.1', { sslmode: 'prefer', sslrootcert: certs.otherCa }))).toBe(false);
  });

  it('prefer reports the last failure and keeps the first in the full message', async () => {
    const error = await connectError(at('127.0.0.1', { sslmode: 'prefer', password: 'wrong-pw-b81d' }));
    expect(error).toMatchObject({ code: 'auth', sqlState: '28P01' });
    expect(error.message).toContain('first attempt (TLS): password authentication failed');
    expect(renderings(error)).not.toContain('wrong-pw-b81d');
  });

  it('require encrypts without a root certificate', async () => {
    expect(await usesTls(at('127.0.0.1', { sslmode: 'require' }))).toBe(true);
  });

  it('prefer uses TLS when the server offers it; allow starts without', async () => {
    expect(await usesTls(at('127.0.0.1', { sslmode: 'prefer' }))).toBe(true);
    expect(await usesTls(at('127.0.0.1', { sslmode: 'allow' }))).toBe(false);
    expect(await usesTls(at('127.0.0.1', { sslmode: 'disable' }))).toBe(false);
  });

  it('allow retries with TLS when the server refuses a plain connection', async () => {
    const endpoint = at('127.0.0.1', { user: TLS_ONLY.user, password: TLS_ONLY.password });
    expect(await usesTls({ ...endpoint, sslmode: 'allow' })).toBe(true);
    const refused = await connectError({ ...endpoint, sslmode: 'disable' });
    expect(refused).toMatchObject({ code: 'auth', sqlState: '28000' });
  });

  it('prefer falls back to a plain connection when the server refuses TLS for the role', async () => {
    const endpoint = at('127.0.0.1', { user: PLAIN_ONLY.user, password: PLAIN_ONLY.password });
    expect(await usesTls({ ...endpoint, sslmode: 'prefer' })).toBe(false);
    expect(await connectError({ ...endpoint, sslmode: 'require' })).toMatchObject({ code: 'auth', sqlState: '28000' });
  });

  it('resolves a URL with a password file and connects with verify-full', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    writeFileSync(join(home, '.pgpass'), `127.0.0.1:${tlsServer.port}:*:postgres:${tlsServer.password}\n`, { mode: 0o600 });
    const endpoint = resolveEndpoint(
      { url: `postgresql://postgres@127.0.0.1:${tlsServer.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.ca)}` },
      {},
      home,
    );
    expect(endpoint.password).toBe(tlsServer.password);
    expect(await usesTls(endpoint)).toBe(true);
  });

  // Last in this block: it swaps the server's certificate for one that names 127.0.0.1 only.
  it('verify-full fails on a host name the certificate does not carry, where verify-ca succeeds', async () => {
    await tlsServer.configure({ ssl_cert_file: 'server-ip.crt', ssl_key_file: 'server-ip.key' });
    {
      await using admin = await tlsServer.admin();
      await admin.query('SELECT pg_reload_conf()');
    }
    await waitFor(async () => {
      await using admin = await tlsServer.admin();
      const [row] = await admin.query<{ f: string }>("SELECT current_setting('ssl_cert_file') AS f");
      return row?.f === 'server-ip.crt';
    }, 'the server to reload its certificate');

    const error = await connectError(at('localhost', { sslmode: 'verify-full', sslrootcert: certs.ca }));
    expect(error.code).toBe('connect');
    expect(error.shortMessage).toMatch(/localhost/);
    expect(error.hint).toContain('does not name this host');
    expect(await usesTls(at('localhost', { sslmode: 'verify-ca', sslrootcert: certs.ca }))).toBe(true);
    expect(await usesTls(at('127.0.0.1', { sslmode: 'verify-full', sslrootcert: certs.ca }))).toBe(true);
  });
});

describe('a server without TLS', () => {
  it('prefer connects without TLS', async () => {
    expect(await usesTls({ ...plainServer.endpoint(), sslmode: 'prefer' })).toBe(false);
  });

  it('require fails with a clear error', async () => {
    const error = await connectError({ ...plainServer.endpoint(), sslmode: 'require' });
    expect(error.code).toBe('connect');
    expect(error.shortMessage).toMatch(/the server does not accept TLS connections, and sslmode=require requires TLS$/);
    expect(error.hint).toContain('sslmode=prefer');
    expect(error.exitCode).toBe(3);
  });
});

describe('errors and session settings', () => {
  it('a wrong password is an auth error with SQLSTATE 28P01, and the password appears nowhere', async () => {
    const password = 'wrong-password-7f3a9c';
    const endpoint = plainServer.endpoint('postgres', 'postgres', password);
    const error = await connectError(endpoint);
    expect(error).toMatchObject({ code: 'auth', sqlState: '28P01' });
    expect(error.shortMessage).toContain('password authentication failed for user "postgres"');
    expect(renderings(error)).not.toContain(password);
    expect(describeEndpoint(endpoint)).not.toContain(password);
    expect(JSON.stringify(publicEndpoint(endpoint))).not.toContain(password);
  });

  it('the right password, for the record, appears nowhere either when a query fails', async () => {
    await using session = await openSession(plainServer.endpoint());
    const error: unknown = await session.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'query', sqlState: '42P01' });
    expect(renderings(error as CutoverError)).not.toContain(plainServer.password);
  });

  it('a missing password is an auth error that says so', async () => {
    const error = await connectError(plainServer.endpoint('postgres', 'postgres', ''));
    expect(error.code).toBe('auth');
    expect(error.shortMessage).toMatch(/^cannot connect to postgres@127\.0\.0\.1:\d+\/postgres: the server asked for a password and none was given/);
  });

  it('an unreachable port is a connect error', async () => {
    const endpoint = { ...plainServer.endpoint(), port: await freePort(), sslmode: 'prefer' as const };
    const error = await connectError(endpoint);
    expect(error.code).toBe('connect');
    expect(error.shortMessage).toContain(describeEndpoint(endpoint));
    expect(error.exitCode).toBe(3);
  });

  it('a read-only session refuses a write with SQLSTATE 25006', async () => {
    await using session = await openSession(plainServer.endpoint());
    const error: unknown = await session.query('CREATE TABLE must_not_exist (id int)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect(error).toMatchObject({ code: 'query', sqlState: '25006' });
    expect((error as CutoverError).message).toContain('CREATE TABLE must_not_exist');
  });

  it('applies statement_timeout (57014)', async () => {
    await using session = await openSession(plainServer.endpoint(), { statementTimeoutMs: 200 });
    const [row] = await session.query<{ t: string }>("SELECT current_setting('statement_timeout') AS t");
    expect(row?.t).toBe('200ms');
    const error: unknown = await session.query('SELECT pg_sleep(30)').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'query', sqlState: '57014' });
  });

  it("names itself 'cutover' in pg_stat_activity", async () => {
    await using session = await openSession(plainServer.endpoint());
    const [me] = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await using admin = await plainServer.admin();
    const [row] = await admin.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [me?.pid]);
    expect(row?.application_name).toBe('cutover');
  });
});
