import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from '../../core/connect-client.js';
import { freePort } from '../../scenarios/providers/free-port.js';
import { serverUser } from '../../scenarios/providers/server-user.js';
import { waitFor } from './lab.js';

/** Debian's PgBouncer (1.18 on bookworm), installed by scripts/test-deps.sh. */
export const PGBOUNCER = process.env.CUTOVER_PGBOUNCER ?? '/usr/sbin/pgbouncer';
export const hasPgBouncer = (): boolean => existsSync(PGBOUNCER);

export interface UserPgBouncer extends AsyncDisposable {
  port: number;
  close(): Promise<void>;
}

/**
 * A PgBouncer configured the way its users configure one, unlike the endpoint switch's own
 * (scenarios/endpoint-switch/pgbouncer-config.ts, which ignores every startup parameter cutover
 * sends): one alias per pool mode in front of one server, SCRAM for clients from a userlist, and
 * only `extra_float_digits` ignored (the usual line, for JDBC clients).
 */
export async function startUserPgBouncer(o: {
  server: { host: string; port: number };
  user: string;
  password: string;
  /** Alias name -> pool mode. */
  databases: Record<string, 'session' | 'transaction'>;
}): Promise<UserPgBouncer> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-user-pgbouncer-'));
  const port = await freePort();
  const owner = serverUser();
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const ini = [
    '[databases]',
    ...Object.entries(o.databases).map(([alias, mode]) => `${alias} = host=${o.server.host} port=${o.server.port} dbname=postgres pool_mode=${mode}`),
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${dir}/userlist.txt`,
    'ignore_startup_parameters = extra_float_digits',
    `logfile = ${dir}/pgbouncer.log`,
    `pidfile = ${dir}/pgbouncer.pid`,
    '',
  ].join('\n');
  for (const [name, text] of [
    ['pgbouncer.ini', ini],
    ['userlist.txt', `${quote(o.user)} ${quote(o.password)}\n`],
  ] as const) {
    await writeFile(join(dir, name), text, { mode: 0o600 });
    if (owner) await chown(join(dir, name), owner.uid, owner.gid);
  }
  if (owner) await chown(dir, owner.uid, owner.gid);
  // PgBouncer refuses to run as root: as the servers' user, like the servers.
  const child: ChildProcess = spawn(PGBOUNCER, [join(dir, 'pgbouncer.ini')], { uid: owner?.uid, gid: owner?.gid, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const alias = Object.keys(o.databases)[0] ?? 'postgres';
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${await readFile(join(dir, 'pgbouncer.log'), 'utf8').catch(() => '')}`);
        const client = await connectClient({ host: '127.0.0.1', port, database: alias, user: o.user, password: o.password, sslmode: 'disable', connectTimeoutMs: 2_000 });
        await client.end();
        return true;
      },
      'pgbouncer to accept connections',
      15_000,
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { port, close, [Symbol.asyncDispose]: close };
}
