import { mkdtemp, writeFile, appendFile, readFile, rm, chown, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import { runChecked, runCommand, type RunOptions } from '../../core/child-process.js';
import { embeddedBindir } from './embedded-binaries.js';
import { serverUser, type ServerUser } from './server-user.js';
import { freePort } from './free-port.js';
import { startWatchdog, type Watchdog } from './server-watchdog.js';

export type SettingValue = string | number | boolean;

export interface LocalServerOptions {
  /** Directory holding initdb, pg_ctl and postgres. Either this or `version`. */
  bindir?: string;
  /** An embedded (npm) version: `15`, `16.4`, `16`, `17`... */
  version?: string;
  /** Shown in log lines and errors. */
  name?: string;
  port?: number;
  /** Parent directory for the data directory; default a new temporary directory. */
  baseDir?: string;
  /** Keep the data directory after close (default: removed when it was a temporary one). */
  keep?: boolean;
  /** Extra `initdb` arguments, e.g. `--no-data-checksums`. */
  initdbArgs?: string[];
  /** postgresql.conf settings. */
  settings?: Record<string, SettingValue>;
  /** Superuser password; default random. Host connections use scram-sha-256. */
  password?: string;
  /** Extra pg_hba.conf lines, added before the defaults. */
  hba?: string[];
  /** Seconds to wait for start and stop. */
  timeoutSeconds?: number;
}

const SUPERUSER = 'postgres';

/**
 * A throwaway PostgreSQL server on a loopback port, from the npm-shipped binaries or any
 * local installation. Works when the harness runs as root: the server runs as an unprivileged
 * user. A watchdog stops it if the harness dies.
 */
export class LocalServer implements AsyncDisposable {
  readonly name: string;
  readonly host = '127.0.0.1';
  readonly superuser = SUPERUSER;
  readonly password: string;
  readonly baseDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  port: number;
  bindir: string;
  private readonly user: ServerUser | undefined;
  private readonly removeOnClose: boolean;
  private readonly timeoutSeconds: number;
  private watchdog: Watchdog | undefined;
  private running = false;
  private closing: Promise<void> | undefined;

  private constructor(init: {
    name: string;
    bindir: string;
    baseDir: string;
    port: number;
    password: string;
    removeOnClose: boolean;
    timeoutSeconds: number;
  }) {
    this.name = init.name;
    this.bindir = init.bindir;
    this.baseDir = init.baseDir;
    this.dataDir = join(init.baseDir, 'data');
    this.logFile = join(init.baseDir, 'server.log');
    this.port = init.port;
    this.password = init.password;
    this.removeOnClose = init.removeOnClose;
    this.timeoutSeconds = init.timeoutSeconds;
    this.user = serverUser();
  }

  /** Initialises a new cluster and starts it. */
  static async start(options: LocalServerOptions = {}): Promise<LocalServer> {
    const server = await LocalServer.init(options);
    try {
      await server.start();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Initialises a new cluster without starting it. */
  static async init(options: LocalServerOptions = {}): Promise<LocalServer> {
    const bindir = resolveBindir(options);
    const baseDir = options.baseDir
      ? options.baseDir
      : await mkdtemp(join(tmpdir(), `cutover-${(options.name ?? 'pg').replace(/[^a-z0-9-]/gi, '')}-`));
    await mkdir(baseDir, { recursive: true });
    const server = new LocalServer({
      name: options.name ?? `postgres ${options.version ?? bindir}`,
      bindir,
      baseDir,
      port: options.port ?? (await freePort()),
      password: options.password ?? randomBytes(12).toString('hex'),
      removeOnClose: !options.baseDir && !options.keep,
      timeoutSeconds: options.timeoutSeconds ?? 60,
    });
    await server.initdb(options);
    return server;
  }

  /**
   * A server over a data directory that exists (or will: a standby's base backup is copied into
   * `dataDir` before the first start), not initialised and not started. Its directory is the
   * caller's: close() never removes it.
   */
  static adopt(options: { bindir?: string; version?: string; name: string; baseDir: string; port: number; password: string; timeoutSeconds?: number }): LocalServer {
    return new LocalServer({
      name: options.name,
      bindir: resolveBindir(options),
      baseDir: options.baseDir,
      port: options.port,
      password: options.password,
      removeOnClose: false,
      timeoutSeconds: options.timeoutSeconds ?? 60,
    });
  }

  private async initdb(options: LocalServerOptions): Promise<void> {
    if (this.user) await chown(this.baseDir, this.user.uid, this.user.gid);
    const pwfile = join(this.baseDir, '.pwfile');
    await writeFile(pwfile, `${this.password}\n`, { mode: 0o600 });
    if (this.user) await chown(pwfile, this.user.uid, this.user.gid);
    try {
      await runChecked(
        join(this.bindir, 'initdb'),
        [
          '-D', this.dataDir,
          '-U', SUPERUSER,
          `--pwfile=${pwfile}`,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E', 'UTF8',
          '--locale=C',
          ...(options.initdbArgs ?? []),
        ],
        this.runOptions(120_000),
      );
    } finally {
      await rm(pwfile, { force: true });
    }
    const settings: Record<string, SettingValue> = {
      listen_addresses: this.host,
      unix_socket_directories: this.baseDir,
      fsync: 'off', // throwaway servers: speed over durability of the host's disk
      ...(options.settings ?? {}),
    };
    await appendFile(join(this.dataDir, 'postgresql.conf'), `\n# cutover\n${formatSettings(settings)}`);
    if (options.hba?.length) {
      const hbaFile = join(this.dataDir, 'pg_hba.conf');
      const current = await readFile(hbaFile, 'utf8');
      await writeFile(hbaFile, `${options.hba.join('\n')}\n${current}`);
    }
  }

  /** Starts the server (after `init`, or after `stop`), waiting until it accepts connections. */
  async start(): Promise<void> {
    if (this.running) return;
    this.watchdog ??= startWatchdog({
      stopCommand: {
        file: join(this.bindir, 'pg_ctl'),
        args: ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop'],
        uid: this.user?.uid,
        gid: this.user?.gid,
      },
      removeDir: this.removeOnClose ? this.baseDir : undefined,
    });
    const result = await runCommand(
      join(this.bindir, 'pg_ctl'),
      ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', String(this.timeoutSeconds), '-o', `-p ${this.port}`, 'start'],
      this.runOptions(this.timeoutSeconds * 1000 + 10_000),
    );
    if (result.exitCode !== 0) {
      const log = await this.logTail(15);
      throw new CutoverError('provision', `${this.name} did not start on port ${this.port}: ${lastLine(log || result.stderr)}`, {
        message: `${result.command}\n${result.stderr}\n--- server log ---\n${log}`,
      });
    }
    this.running = true;
  }

  /** Stops the server. `immediate` is a crash; `fast` disconnects clients and checkpoints. */
  async stop(mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    await runChecked(
      join(this.bindir, 'pg_ctl'),
      ['-D', this.dataDir, '-m', mode, '-w', '-t', String(this.timeoutSeconds), 'stop'],
      this.runOptions(this.timeoutSeconds * 1000 + 10_000),
    );
    this.running = false;
  }

  /** Stops, optionally switches binaries (a minor-version restart), and starts again. */
  async restart(options: { bindir?: string; version?: string; mode?: 'fast' | 'immediate' } = {}): Promise<void> {
    await this.stop(options.mode ?? 'fast');
    if (options.bindir || options.version) {
      this.bindir = resolveBindir(options);
    }
    this.watchdog?.stop();
    this.watchdog = undefined;
    await this.start();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The process id of the postmaster, from postmaster.pid. */
  async postmasterPid(): Promise<number> {
    const text = await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8');
    return Number(text.split('\n')[0]);
  }

  /** An endpoint for a database of this server, as the superuser unless told otherwise. */
  endpoint(database = 'postgres', user = SUPERUSER, password?: string): Endpoint {
    return {
      host: this.host,
      port: this.port,
      database,
      user,
      password: password ?? (user === SUPERUSER ? this.password : undefined),
      sslmode: 'disable',
    };
  }

  /** A writable superuser session, for setting up fixtures and datasets. */
  admin(database = 'postgres'): Promise<Session> {
    return openSession(this.endpoint(database), { readOnly: false, statementTimeoutMs: 0, applicationName: 'cutover-admin' });
  }

  /** Appends settings to postgresql.conf (they apply at the next start or reload). */
  async configure(settings: Record<string, SettingValue>): Promise<void> {
    await appendFile(join(this.dataDir, 'postgresql.conf'), `\n${formatSettings(settings)}`);
  }

  /** Runs a program of this server's bindir (or any program) as the server's user. */
  run(file: string, args: string[], options: RunOptions = {}) {
    return runChecked(file.includes('/') ? file : join(this.bindir, file), args, { ...this.runOptions(120_000), ...options });
  }

  async logTail(lines = 30): Promise<string> {
    try {
      const text = await readFile(this.logFile, 'utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Stops the server and removes its directory; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const errors: unknown[] = [];
      if (this.running) {
        await this.stop('fast').catch(async (error: unknown) => {
          errors.push(error);
          await this.stop('immediate').catch(() => {});
        });
      }
      this.watchdog?.stop();
      if (this.removeOnClose && existsSync(this.baseDir)) {
        await rm(this.baseDir, { recursive: true, force: true }).catch((error: unknown) => errors.push(error));
      }
      if (errors.length) {
        throw new CutoverError('provision', `${this.name}: could not close cleanly`, { cause: errors[0] });
      }
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private runOptions(timeoutMs: number): RunOptions {
    return {
      timeoutMs,
      uid: this.user?.uid,
      gid: this.user?.gid,
      cwd: this.baseDir,
      env: { ...process.env, LC_ALL: 'C', PGDATA: this.dataDir },
    };
  }
}

function resolveBindir(options: { bindir?: string; version?: string }): string {
  if (options.bindir) {
    if (!existsSync(join(options.bindir, 'postgres'))) {
      throw new CutoverError('usage', `bindir: expected a directory with a postgres binary, got "${options.bindir}"`);
    }
    return options.bindir;
  }
  return embeddedBindir(options.version ?? '17');
}

function formatSettings(settings: Record<string, SettingValue>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : typeof v === 'boolean' ? (v ? 'on' : 'off') : v}`)
    .join('\n') + '\n';
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** Lists leftover data directories of this user's servers (for diagnostics in tests). */
export async function listServerDirs(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((d) => d.startsWith('cutover-'));
}
