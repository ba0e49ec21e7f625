import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { connectClient } from '../../core/connect-client.js';
import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import { freePort } from '../providers/free-port.js';
import { serverUser } from '../providers/server-user.js';
import { startWatchdog } from '../providers/server-watchdog.js';
import { renderAuthFile, renderPgBouncerIni, type PgBouncerConfig } from './pgbouncer-config.js';

/**
 * A real PgBouncer on a free loopback port, run as the unprivileged server user when the harness
 * is root (it refuses root), with a generated configuration in a directory of its own, and an
 * admin console for PAUSE, RELOAD and RESUME.
 */
export class PgBouncerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private console: pg.Client | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly binary: string,
    private config: PgBouncerConfig,
  ) {}

  get port(): number {
    return this.config.port;
  }

  /** Writes the configuration, starts PgBouncer and waits until its admin console answers. */
  static async start(o: { binary: string; target: Endpoint; databases: readonly string[]; timeoutMs?: number }): Promise<PgBouncerProcess> {
    if (!o.target.password) throw new CutoverError('usage', 'switchover "pause": expected a target endpoint with a password (PgBouncer logs in for the clients), got none');
    const dir = await mkdtemp(join(tmpdir(), 'cutover-pgbouncer-'));
    const bouncer = new PgBouncerProcess(o.binary, {
      port: await freePort(),
      dir,
      target: o.target,
      databases: o.databases,
      admin: { user: 'cutover_pgbouncer_admin', password: randomBytes(12).toString('hex') },
      client: { user: o.target.user, password: o.target.password },
    });
    try {
      await bouncer.launch(o.timeoutMs ?? 15_000);
    } catch (error) {
      await bouncer.close();
      throw error;
    }
    return bouncer;
  }

  /** Runs one admin console command (`PAUSE`, `RESUME`, `RELOAD`, `SHOW POOLS`...), within `timeoutMs` when given. */
  async admin<R extends pg.QueryResultRow = pg.QueryResultRow>(command: string, timeoutMs?: number): Promise<R[]> {
    this.console ??= await this.connectConsole();
    try {
      return (await this.console.query<R>({ text: command, ...(timeoutMs ? { query_timeout: timeoutMs } : {}) })).rows;
    } catch (error) {
      // A broken console connection is reopened by the next command.
      await this.console?.end().catch(() => {});
      this.console = undefined;
      throw new CutoverError('query', `pgbouncer admin console: ${command} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Forwards every listed database to another server, and has PgBouncer re-read its configuration. */
  async retarget(target: Endpoint): Promise<void> {
    this.config = { ...this.config, target };
    await this.writeFiles();
    await this.admin('RELOAD');
  }

  /** The last lines of PgBouncer's log (for errors). */
  async logTail(lines = 20): Promise<string> {
    const text = await readFile(join(this.config.dir, 'pgbouncer.log'), 'utf8').catch(() => '');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Stops PgBouncer (SIGTERM is an immediate shutdown in 1.18, SIGKILL after 5 s) and removes its files; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.console?.end().catch(() => {});
      const child = this.child;
      if (child?.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await this.exited;
        clearTimeout(killer);
      }
      await rm(this.config.dir, { recursive: true, force: true });
    })();
    return this.closing;
  }

  private async launch(timeoutMs: number): Promise<void> {
    const user = serverUser();
    if (user) await chown(this.config.dir, user.uid, user.gid);
    await this.writeFiles();
    const ini = join(this.config.dir, 'pgbouncer.ini');
    const child = spawn(this.binary, [ini], { uid: user?.uid, gid: user?.gid, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4_000)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const failedToSpawn = new Promise<Error>((resolve) => child.once('error', resolve));
    if (child.pid) {
      // No orphan pooler: the watchdog kills PgBouncer if the harness dies without closing it.
      startWatchdog({ pid: child.pid, removeDir: this.config.dir });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const spawnError = await Promise.race([failedToSpawn, Promise.resolve(undefined)]);
      if (spawnError) throw new CutoverError('provision', `pgbouncer: could not run "${this.binary}": ${spawnError.message}`, { cause: spawnError });
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = await this.logTail();
        throw new CutoverError('provision', `pgbouncer exited at start (${child.exitCode ?? child.signalCode}): ${lastLine(stderr || log)}`, {
          message: `${this.binary} ${ini}\n${stderr}\n--- pgbouncer log ---\n${log}`,
        });
      }
      try {
        await this.admin('SHOW VERSION');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new CutoverError('provision', `pgbouncer did not accept connections on port ${this.port} within ${timeoutMs} ms`, { cause: error, message: `${stderr}\n${await this.logTail()}` });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async writeFiles(): Promise<void> {
    const user = serverUser();
    const files: [string, string][] = [
      ['pgbouncer.ini', renderPgBouncerIni(this.config)],
      ['userlist.txt', renderAuthFile(this.config)],
    ];
    for (const [name, text] of files) {
      const path = join(this.config.dir, name);
      await writeFile(path, text, { mode: 0o600 });
      if (user) await chown(path, user.uid, user.gid);
    }
  }

  private connectConsole(): Promise<pg.Client> {
    // The console of the PgBouncer this process configured: no TLS on its listener.
    return connectClient({
      host: '127.0.0.1',
      port: this.config.port,
      database: 'pgbouncer',
      user: this.config.admin.user,
      password: this.config.admin.password,
      sslmode: 'disable',
      connectTimeoutMs: 2_000,
    });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
