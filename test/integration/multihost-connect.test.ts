import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectClient, connectedHost } from '../../core/connect-client.js';
import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import { openSession } from '../../core/session.js';
import { freePort, type LocalServer } from '../../scenarios/providers/index.js';
import { MULTIHOST_PASSWORD, multihostLabReady, startPrimary, startStandby } from '../support/multihost-servers.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { labBindir } from '../support/lab.js';
import { runCommand } from '../../core/child-process.js';
import { libpqEnv } from '../../scenarios/upgrade/libpq-env.js';

/**
 * libpq's multi-host connections against real servers: a primary, a real streaming standby of it
 * (pg_basebackup -R), a primary made read-only (default_transaction_read_only=on), a port where
 * nothing listens (refused) and a socket that accepts and never answers (a host that hangs).
 */

const ready = multihostLabReady();
const skipped = ready ? '' : ' (skipped: the upgrade lab has no PostgreSQL 15, run scripts/lab.sh)';

let primary: LocalServer;
let standby: LocalServer;
let readOnly: LocalServer;
let refusedPort: number;
let silent: Server;
const held: Socket[] = [];
let home: string;

const at = (s: LocalServer) => `127.0.0.1:${s.port}`;

/** A URI over the given `host:port` specs, as a user types it. */
function uri(hosts: string[], query = ''): string {
  return `postgresql://postgres@${hosts.join(',')}/postgres${query ? `?${query}` : ''}`;
}

function endpoint(hosts: string[], query = ''): Endpoint {
  return resolveEndpoint({ url: uri(hosts, query) }, { PGPASSWORD: MULTIHOST_PASSWORD }, home, () => {});
}

async function settledPort(e: Endpoint): Promise<number> {
  const client = await connectClient(e);
  try {
    const { rows } = await client.query<{ port: number }>('SELECT inet_server_port() AS port');
    expect(connectedHost(client)?.port).toBe(rows[0]?.port);
    return rows[0]?.port ?? 0;
  } finally {
    await client.end();
  }
}

async function connectError(e: Endpoint): Promise<CutoverError> {
  let client: pg.Client | undefined;
  try {
    client = await connectClient(e);
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  await client.end();
  throw new Error('expected the connection to be refused');
}

describe.skipIf(!ready)(`multi-host connections, as libpq makes them${skipped}`, () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'cutover-multihost-home-'));
    [primary, readOnly] = await Promise.all([startPrimary('mh-primary'), startPrimary('mh-readonly', { default_transaction_read_only: true })]);
    standby = await startStandby(primary, 'mh-standby');
    refusedPort = await freePort();
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await Promise.allSettled([standby?.close(), primary?.close(), readOnly?.close()]);
    rmSync(home, { recursive: true, force: true });
  });

  const silentAt = () => `127.0.0.1:${(silent.address() as { port: number }).port}`;

  it('read-write settles on the primary listed last, past a refused port, a read-only server and a standby', async () => {
    const e = endpoint([`127.0.0.1:${refusedPort}`, at(readOnly), at(standby), at(primary)], 'target_session_attrs=read-write');
    expect(await settledPort(e)).toBe(primary.port);
  });

  it('read-only, primary, standby and prefer-standby pick the server libpq would', async () => {
    expect(await settledPort(endpoint([at(primary), at(readOnly)], 'target_session_attrs=read-only'))).toBe(readOnly.port);
    expect(await settledPort(endpoint([at(standby), at(primary)], 'target_session_attrs=primary'))).toBe(primary.port);
    // A read-only primary is still a primary: not in recovery.
    expect(await settledPort(endpoint([at(readOnly), at(primary)], 'target_session_attrs=primary'))).toBe(readOnly.port);
    expect(await settledPort(endpoint([at(primary), at(standby)], 'target_session_attrs=standby'))).toBe(standby.port);
    expect(await settledPort(endpoint([at(primary), at(standby)], 'target_session_attrs=prefer-standby'))).toBe(standby.port);
    // No standby: prefer-standby's second pass takes any server, the first that answers.
    expect(await settledPort(endpoint([`127.0.0.1:${refusedPort}`, at(primary), at(readOnly)], 'target_session_attrs=prefer-standby'))).toBe(primary.port);
    // any: the first host that answers.
    expect(await settledPort(endpoint([`127.0.0.1:${refusedPort}`, at(standby), at(primary)]))).toBe(standby.port);
  });

  it('a read-only check session (cutover check) with read-write lands on the primary and stays read-only', async () => {
    await using session = await openSession(endpoint([at(standby), at(readOnly), at(primary)], 'target_session_attrs=read-write'));
    const rows = await session.query<{ port: number; ro: string }>(`SELECT inet_server_port() AS port, current_setting('transaction_read_only') AS ro`);
    expect(rows[0]).toEqual({ port: primary.port, ro: 'on' });
  });

  it('no host matching: one error naming every host and why it was refused', async () => {
    const e = endpoint([`127.0.0.1:${refusedPort}`, at(readOnly), at(standby)], 'target_session_attrs=read-write');
    const error = await connectError(e);
    expect(error.code).toBe('connect');
    expect(error.exitCode).toBe(3);
    expect(error.shortMessage).toBe(
      `cannot connect to postgres@127.0.0.1:${refusedPort},${at(readOnly)},${at(standby)}/postgres with target_session_attrs=read-write: no host is a read-write server ` +
        `(127.0.0.1:${refusedPort}: connection refused; ${at(readOnly)}: session is read-only (default_transaction_read_only is on); ${at(standby)}: session is read-only (server is in recovery))`,
    );
    expect(error.message).not.toContain(MULTIHOST_PASSWORD);
    const standbyOnly = await connectError(endpoint([at(primary), at(readOnly)], 'target_session_attrs=standby'));
    expect(standbyOnly.shortMessage).toContain(`no host is a standby (${at(primary)}: server is not in recovery; ${at(readOnly)}: server is not in recovery)`);
  });

  it('load_balance_hosts=random spreads connections over the hosts; disable keeps their order', async () => {
    const random = endpoint([at(primary), at(readOnly)], 'load_balance_hosts=random');
    const seen = new Set<number>();
    for (let i = 0; i < 16 && seen.size < 2; i++) seen.add(await settledPort(random));
    expect(seen).toEqual(new Set([primary.port, readOnly.port]));
    const ordered = endpoint([at(readOnly), at(primary)], 'load_balance_hosts=disable');
    for (let i = 0; i < 4; i++) expect(await settledPort(ordered)).toBe(readOnly.port);
  });

  it('takes each host`s password from the password file, as libpq does', async () => {
    const passfile = join(home, 'pgpass');
    // The primary's line is wrong on purpose: with it, read-write cannot get in; the standby's is right.
    writeFileSync(passfile, `127.0.0.1:${standby.port}:*:postgres:${MULTIHOST_PASSWORD}\n127.0.0.1:${primary.port}:*:postgres:wrong\n`);
    chmodSync(passfile, 0o600);
    const e = resolveEndpoint({ url: uri([at(standby), at(primary)]), passfile }, {}, home, () => {});
    expect(e.hosts?.map((h) => h.password)).toEqual([MULTIHOST_PASSWORD, 'wrong']);
    expect(await settledPort(e)).toBe(standby.port);
    const error = await connectError(resolveEndpoint({ url: uri([at(standby), at(primary)], 'target_session_attrs=primary'), passfile }, {}, home, () => {}));
    expect(error.shortMessage).toMatch(new RegExp(`${at(standby)}: server is in recovery; ${at(primary)}: password authentication failed`));
  });

  it('libpq tools (psql) get the host list and target_session_attrs through their environment and reach the same server', async () => {
    const e = endpoint([`127.0.0.1:${refusedPort}`, at(standby), at(primary)], 'target_session_attrs=read-write');
    const result = await runCommand(join(labBindir(15), 'psql'), ['-X', '-A', '-t', '-c', 'SELECT inet_server_port()'], { env: libpqEnv(e, cleanEnv(home)), timeoutMs: 20_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(String(primary.port));
  });

  it('cutover check with no primary among the hosts exits 3 after the connect timeout of the host that hangs, naming every host', async () => {
    const hosts = [silentAt(), at(readOnly), at(standby)];
    const started = Date.now();
    const result = await runCli(['check', '--db', uri(hosts, 'target_session_attrs=read-write&connect_timeout=2')], { env: cleanEnv(home, { PGPASSWORD: MULTIHOST_PASSWORD }) });
    const tookMs = Date.now() - started;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `cannot connect to postgres@${hosts.join(',')}/postgres with target_session_attrs=read-write: no host is a read-write server ` +
        `(${silentAt()}: timeout expired; ${at(readOnly)}: session is read-only (default_transaction_read_only is on); ${at(standby)}: session is read-only (server is in recovery))`,
    );
    expect(result.stderr).not.toContain(MULTIHOST_PASSWORD);
    // connect_timeout=2 runs out on the silent host once; the others answer at once.
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(8_000);
    console.log(`cutover check, no primary among 3 hosts (one silent, connect_timeout=2): exit ${result.code} after ${tookMs} ms`);
  }, 30_000);
});
