import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { LocalServer, freePort } from '../../scenarios/providers/index.js';
import { installServerCertificate, makeTestCertificates, type TestCertificates } from '../support/certificates.js';
import { cleanEnv, runCli, type CliResult } from '../support/run-cli.js';
import { readRun } from '../support/run-dirs.js';
import { hasPgBouncer, startUserPgBouncer, type UserPgBouncer } from '../support/user-pgbouncer.js';
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import { openSession } from '../../core/session.js';

/**
 * Issue 13: `cutover soak --db postgresql://postgres@127.0.0.1:PORT/postgres` against a server
 * without TLS failed every attempt (the driver never made libpq's `prefer` fallback), and every
 * test passed because each added `sslmode=disable`. This matrix runs the built CLI as a user
 * types it, with URLs as users write them, against real servers configured each way: without TLS,
 * with TLS (a certificate made here), pg_hba.conf with trust / password / md5 / scram-sha-256,
 * a Unix socket, `localhost` resolving to ::1 first, and a PgBouncer in session and in
 * transaction pooling. Every success is strong evidence (ledgered writes confirmed, none lost,
 * the probe lane answered, `cutover verify` agrees); every refusal exits 3 naming its cause.
 */

const work = mkdtempSync(join(tmpdir(), 'cutover-connect-matrix-'));
const home = join(work, 'home');
let certs: TestCertificates;
/** PostgreSQL 16 without TLS, on 127.0.0.1 only; roles per authentication method. */
let plain: LocalServer;
/** PostgreSQL 17 with TLS, on 127.0.0.1 and ::1. */
let tls: LocalServer;
let bouncer: UserPgBouncer | undefined;

const ROLES = {
  trust: { user: 'trust_user', password: undefined },
  password: { user: 'password_user', password: 'pw-cleartext-3f1' },
  md5: { user: 'md5_user', password: 'pw-md5-9c2' },
  scram: { user: 'scram_user', password: 'pw-scram-77a' },
} as const;
/** A role that may log in and nothing more: the soak cannot create its schema or insert. */
const POWERLESS = { user: 'powerless_user', password: 'pw-powerless-5d0' };

async function startPlain(): Promise<LocalServer> {
  const server = await LocalServer.init({
    version: '16',
    name: 'matrix-plain',
    // Before initdb's own lines (scram-sha-256 for every other host connection, trust over the socket).
    hba: [
      `host all ${ROLES.trust.user} 127.0.0.1/32 trust`,
      `host all ${ROLES.password.user} 127.0.0.1/32 password`,
      `host all ${ROLES.md5.user} 127.0.0.1/32 md5`,
    ],
    settings: { max_connections: 200 },
  });
  try {
    await server.start();
    await using admin = await server.admin();
    for (const [method, role] of Object.entries(ROLES)) {
      // md5 authentication needs an md5-hashed password: with a SCRAM verifier the server would use SCRAM.
      await admin.query(`SET password_encryption = '${method === 'md5' ? 'md5' : 'scram-sha-256'}'`);
      await admin.query(`CREATE ROLE ${role.user} LOGIN${role.password ? ` PASSWORD '${role.password}'` : ''}`);
      // What a soak needs of an ordinary role: a schema of its own in the database.
      await admin.query(`GRANT CREATE ON DATABASE postgres TO ${role.user}`);
    }
    await admin.query(`CREATE ROLE ${POWERLESS.user} LOGIN PASSWORD '${POWERLESS.password}'`);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

async function startTls(): Promise<LocalServer> {
  const server = await LocalServer.init({ version: '17', name: 'matrix-tls', settings: { listen_addresses: '127.0.0.1,::1', max_connections: 200 } });
  try {
    await installServerCertificate(server.dataDir, certs.server, 'server');
    await server.configure({ ssl: true, ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' });
    await server.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

beforeAll(async () => {
  certs = await makeTestCertificates(work);
  [plain, tls] = await Promise.all([startPlain(), startTls()]);
  if (hasPgBouncer()) {
    bouncer = await startUserPgBouncer({
      server: { host: plain.host, port: plain.port },
      user: 'postgres',
      password: plain.password,
      databases: { app_session: 'session', app_transaction: 'transaction' },
    });
  }
  // A resolver that answers ::1 first for localhost (Debian's and most distributions' /etc/hosts
  // say `::1 localhost`; this machine's does not), loaded into the CLI with NODE_OPTIONS.
  writeFileSync(
    join(work, 'localhost-v6-first.cjs'),
    `const dns = require('node:dns');
const original = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof options === 'number') options = { family: options };
  if (hostname !== 'localhost') return original.call(this, hostname, options, callback);
  const all = [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }].filter((a) => !options.family || a.family === options.family);
  if (options.all) return process.nextTick(callback, null, all);
  return process.nextTick(callback, null, all[0].address, all[0].family);
};
`,
  );
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([bouncer?.close(), plain?.close(), tls?.close()]);
  rmSync(work, { recursive: true, force: true });
});

/** The JSON object `cutover soak --json` and `cutover verify --json` print (DESIGN.md). */
interface SoakJson {
  attempts: number;
  confirmed: number;
  lost: number;
  unexpected: number;
  duplicated: number;
  notCommitted: number;
}

let runs = 0;

interface Soaked {
  soak: CliResult;
  runDir: string;
}

/** `cutover soak --db URL --rate 20 --duration 2s --json`, in a run directory of its own. */
async function soak(db: string, env: NodeJS.ProcessEnv = {}): Promise<Soaked> {
  runs++;
  const runDir = join(work, `run-${runs}`);
  // Each case its own schema, so that cases can run side by side on one server.
  const args = ['soak', '--db', db, '--rate', '20', '--duration', '2s', '--json', '--run-dir', runDir, '--schema', `matrix_${runs}`];
  return { soak: await runCli(args, { env: cleanEnv(home, env) }), runDir };
}

/** Strong evidence that the driver, the probe lane and verification all worked. */
async function expectSuccess(expect: ExpectStatic, db: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { soak: r, runDir } = await soak(db, env);
  const context = `${db}\n${r.stderr}`;
  expect(r.code, context).toBe(0);
  const result = JSON.parse(r.stdout) as SoakJson;
  const run = readRun(runDir);
  // 2 s at 20/s: 40 attempts of the load due, every one answered.
  expect(run.soak?.load?.attempts, context).toBeGreaterThanOrEqual(38);
  expect(run.soak?.load?.failed, context).toBe(0);
  // The ledgered writes among them (the JSON's `attempts`): every one confirmed, nothing else.
  expect(result.confirmed, context).toBeGreaterThan(5);
  expect(result, context).toMatchObject({ confirmed: result.attempts, lost: 0, unexpected: 0, duplicated: 0, notCommitted: 0 });
  // The probe lane (SELECT 1 every 20 ms on connections of its own) answered throughout.
  expect(run.soak?.probe?.ok ?? 0, context).toBeGreaterThan(50);
  expect(run.soak?.probe?.failed, context).toBe(0);

  // And `cutover verify` of that run directory, with the same URL, agrees.
  const v = await runCli(['verify', '--run-dir', runDir, '--db', db, '--json'], { env: cleanEnv(home, env) });
  expect(v.code, `${db}\n${v.stderr}`).toBe(0);
  const verified = JSON.parse(v.stdout) as SoakJson;
  expect({ confirmed: verified.confirmed, lost: verified.lost }).toEqual({ confirmed: result.confirmed, lost: 0 });
}

/** A combination that must refuse: exit 3 (could not complete), with the cause in its words. */
async function expectRefusal(expect: ExpectStatic, db: string, cause: RegExp, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const { soak: r } = await soak(db, env);
  expect(r.code, `${db}\n${r.stderr}`).toBe(3);
  expect(r.stderr).toMatch(cause);
  expect(r.stdout).not.toMatch(/"confirmed":[1-9]/);
}

const pw = () => encodeURIComponent(plain.password);
const plainUrl = (query = '') => `postgresql://postgres:${pw()}@127.0.0.1:${plain.port}/postgres${query}`;
const tlsUrl = (host: string, query = '') => `postgresql://postgres:${encodeURIComponent(tls.password)}@${host}:${tls.port}/postgres${query}`;
const ca = () => encodeURIComponent(certs.ca);

describe.concurrent('a server without TLS', () => {
  // The defect of issue 13: libpq's default sslmode (prefer) must fall back to a plain connection.
  it('the URL a user types (sslmode prefer by default) soaks and verifies', ({ expect }) => expectSuccess(expect, plainUrl()));
  it('sslmode=disable', ({ expect }) => expectSuccess(expect, plainUrl('?sslmode=disable')));
  it('sslmode=allow', ({ expect }) => expectSuccess(expect, plainUrl('?sslmode=allow')));
  it('sslmode=prefer, spelled out', ({ expect }) => expectSuccess(expect, plainUrl('?sslmode=prefer')));
  it('sslmode=require refuses: the server does not accept TLS', ({ expect }) =>
    expectRefusal(expect, plainUrl('?sslmode=require'), /does not accept TLS connections, and sslmode=require requires TLS/));
  it('sslmode=verify-ca refuses: the server does not accept TLS', ({ expect }) =>
    expectRefusal(expect, plainUrl(`?sslmode=verify-ca&sslrootcert=${ca()}`), /does not accept TLS connections, and sslmode=verify-ca requires TLS/));
  it('sslmode=verify-full refuses: the server does not accept TLS', ({ expect }) =>
    expectRefusal(expect, plainUrl(`?sslmode=verify-full&sslrootcert=${ca()}`), /does not accept TLS connections, and sslmode=verify-full requires TLS/));
});

describe.concurrent('a server with TLS (certificate made by the test)', () => {
  it('the URL a user types (prefer: TLS)', ({ expect }) => expectSuccess(expect, tlsUrl('127.0.0.1')));
  for (const mode of ['disable', 'allow', 'prefer', 'require']) {
    it(`sslmode=${mode}`, ({ expect }) => expectSuccess(expect, tlsUrl('127.0.0.1', `?sslmode=${mode}`)));
  }
  it('sslmode=verify-ca with the CA', ({ expect }) => expectSuccess(expect, tlsUrl('127.0.0.1', `?sslmode=verify-ca&sslrootcert=${ca()}`)));
  it('sslmode=verify-full with the CA', ({ expect }) => expectSuccess(expect, tlsUrl('127.0.0.1', `?sslmode=verify-full&sslrootcert=${ca()}`)));
  it('sslmode=verify-full with a CA that did not sign the certificate refuses', ({ expect }) =>
    expectRefusal(expect, tlsUrl('127.0.0.1', `?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.otherCa)}`), /TLS with sslmode=verify-full failed/));
});

describe.concurrent('authentication methods (pg_hba.conf)', () => {
  const url = (role: { user: string; password?: string }) =>
    `postgresql://${role.user}${role.password ? `:${encodeURIComponent(role.password)}` : ''}@127.0.0.1:${plain.port}/postgres`;
  it('trust, no password anywhere', ({ expect }) => expectSuccess(expect, url(ROLES.trust)));
  it('password (cleartext), the password in PGPASSWORD', ({ expect }) =>
    expectSuccess(expect, url({ user: ROLES.password.user }), { PGPASSWORD: ROLES.password.password }));
  it('md5, the password in the URL', ({ expect }) => expectSuccess(expect, url(ROLES.md5)));
  it('scram-sha-256, the password in ~/.pgpass', ({ expect }) => {
    const pgpassHome = mkdtempSync(join(work, 'home-pgpass-'));
    writeFileSync(join(pgpassHome, '.pgpass'), `127.0.0.1:${plain.port}:postgres:${ROLES.scram.user}:${ROLES.scram.password}\n`, { mode: 0o600 });
    return expectSuccess(expect, url({ user: ROLES.scram.user }), { HOME: pgpassHome });
  });
  it('a wrong password refuses, naming the authentication failure', ({ expect }) =>
    expectRefusal(expect, url({ user: ROLES.scram.user, password: 'not-the-password' }), /password authentication failed for user "scram_user"/));
  it('a role that cannot write refuses, naming the permission error', ({ expect }) =>
    expectRefusal(expect, url(POWERLESS), /permission denied/));
  it('a stopped server (nothing listening) refuses, naming the connection error', async ({ expect }) => {
    const port = await freePort();
    await expectRefusal(expect, `postgresql://postgres@127.0.0.1:${port}/postgres`, new RegExp(`cannot connect to postgres@127\\.0\\.0\\.1:${port}/postgres: .*ECONNREFUSED`));
  });
});

describe.concurrent('a Unix-socket directory as the host', () => {
  it('percent-encoded in the host part of the URI', ({ expect }) =>
    expectSuccess(expect, `postgresql://postgres@${encodeURIComponent(plain.baseDir)}:${plain.port}/postgres`));
  it('as ?host= of the URI', ({ expect }) => expectSuccess(expect, `postgresql:///postgres?host=${plain.baseDir}&port=${plain.port}&user=postgres`));
  it('as a keyword/value string', ({ expect }) => expectSuccess(expect, `host=${plain.baseDir} port=${plain.port} user=postgres dbname=postgres`));
});

describe.concurrent('localhost resolving to ::1 first', () => {
  const v6First = () => ({ NODE_OPTIONS: `--require=${join(work, 'localhost-v6-first.cjs')}` });
  it('the resolver of these cases answers ::1 first', async ({ expect }) => {
    const probe = `require('node:dns').lookup('localhost', { all: true }, (e, a) => process.stdout.write(JSON.stringify(a)))`;
    const { spawnSync } = await import('node:child_process');
    const out = spawnSync(process.execPath, ['-e', probe], { env: { ...process.env, ...v6First() }, encoding: 'utf8' });
    expect(JSON.parse(out.stdout)).toEqual([{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]);
  });
  it('a server listening on 127.0.0.1 only: ::1 is refused, 127.0.0.1 answers', ({ expect }) =>
    expectSuccess(expect, `postgresql://postgres:${pw()}@localhost:${plain.port}/postgres`, v6First()));
  it('a server listening on both, with verify-full against the name in its certificate', ({ expect }) =>
    expectSuccess(expect, tlsUrl('localhost', `?sslmode=verify-full&sslrootcert=${ca()}`), v6First()));
});

describe.concurrent('through PgBouncer, configured as users configure it', () => {
  const url = (alias: string) => `postgresql://postgres:${pw()}@127.0.0.1:${bouncer?.port ?? 0}/${alias}`;
  it.skipIf(!hasPgBouncer())('session pooling (skipped without /usr/sbin/pgbouncer: scripts/test-deps.sh installs it)', ({ expect }) =>
    expectSuccess(expect, url('app_session')));
  it.skipIf(!hasPgBouncer())('transaction pooling: the driver sees the pooler and parses unnamed (skipped without /usr/sbin/pgbouncer)', ({ expect }) =>
    expectSuccess(expect, url('app_transaction')));
  it.skipIf(!hasPgBouncer())(
    'check sessions stay read-only and time-limited through transaction pooling, without leaking to other clients (skipped without /usr/sbin/pgbouncer)',
    async ({ expect }) => {
      const endpoint = resolveEndpoint({ url: url('app_transaction') }, {}, home);
      // PgBouncer refuses the session's startup options here: the guards ride in each transaction.
      await using check = await openSession(endpoint, { statementTimeoutMs: 1_500 });
      expect(await check.query(`SHOW transaction_read_only`)).toEqual([{ transaction_read_only: 'on' }]);
      expect(await check.query(`SHOW statement_timeout`)).toEqual([{ statement_timeout: '1500ms' }]);
      await expect(check.query(`CREATE TABLE public.written_by_a_check (id int)`)).rejects.toMatchObject({ sqlState: '25006' });
      await expect(check.query(`SELECT pg_sleep(5)`)).rejects.toMatchObject({ sqlState: '57014' });
      // Another client of the same pool gets server connections with the defaults back.
      await using writer = await openSession(endpoint, { readOnly: false });
      expect(await writer.query(`SHOW transaction_read_only`)).toEqual([{ transaction_read_only: 'off' }]);
      expect(await writer.query(`SHOW statement_timeout`)).toEqual([{ statement_timeout: '0' }]);
    },
  );
});
