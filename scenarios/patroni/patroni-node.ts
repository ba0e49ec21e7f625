import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { chown, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import type { ServerUser } from '../providers/server-user.js';
import type { MemberLayout } from './patroni-config.js';
import { PatroniRest, type RestCredentials } from './patroni-rest.js';

/** How long a member's Patroni gets to stop its PostgreSQL and leave the DCS before it is killed. */
const STOP_GRACE_MS = 10_000;
/** How long Patroni may take to leave the DCS once its PostgreSQL is down. */
const POSTGRES_DOWN_GRACE_MS = 1_000;

/**
 * One member of a Patroni cluster: its Patroni process (which starts and stops its PostgreSQL),
 * run as the servers' unprivileged user, its output in `patroni.log` in its directory.
 */
export class PatroniNode {
  readonly layout: MemberLayout;
  readonly rest: PatroniRest;
  readonly configFile: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private wanted = false;

  constructor(
    layout: MemberLayout,
    private readonly patroni: string,
    private readonly user: ServerUser | undefined,
    credentials: RestCredentials,
  ) {
    this.layout = layout;
    this.rest = new PatroniRest(`http://127.0.0.1:${layout.restPort}`, credentials);
    this.configFile = join(layout.dir, 'patroni.yml');
    this.logFile = join(layout.dir, 'patroni.log');
  }

  get name(): string {
    return this.layout.name;
  }

  /** Whether its Patroni process runs (started by us and not exited). */
  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Started by us and neither stopped nor killed since: its exit is a failure. */
  get expectedUp(): boolean {
    return this.wanted;
  }

  /** Writes its configuration (readable by the servers' user only: it holds passwords). */
  async writeConfig(yaml: string): Promise<void> {
    await writeFile(this.configFile, yaml, { mode: 0o600 });
    if (this.user) await chown(this.configFile, this.user.uid, this.user.gid);
  }

  /** Starts its Patroni; PostgreSQL follows as Patroni decides (bootstrap, clone, or start). */
  start(): void {
    if (this.isRunning) return;
    this.wanted = true;
    const log = openSync(this.logFile, 'a', 0o644);
    let child: ChildProcess;
    try {
      child = spawn(this.patroni, [this.configFile], {
        cwd: this.layout.dir,
        uid: this.user?.uid,
        gid: this.user?.gid,
        detached: true,
        stdio: ['ignore', log, log],
        // Only what Patroni needs: no PG* variable of the harness reaches its PostgreSQL.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.layout.dir, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
      });
    } finally {
      closeSync(log);
    }
    child.unref();
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    void writeFile(join(this.layout.dir, 'patroni.pid'), `${child.pid ?? ''}\n`).catch(() => {});
  }

  /**
   * Stops its Patroni gracefully (SIGTERM: PostgreSQL stops, the member leaves the DCS), then by
   * force after a grace period. Returns how it ended.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<'stopped' | 'killed' | 'not running'> {
    this.wanted = false;
    const child = this.child;
    if (!child || !this.isRunning) return this.stopOrphanedPostgres(graceMs);
    child.kill('SIGTERM');
    // Patroni stops PostgreSQL first, then leaves the DCS; without a Raft quorum (the last members
    // of a cluster going down) that second part only waits for its retry timeout: once PostgreSQL
    // is down, nothing is lost by ending it.
    const deadline = Date.now() + graceMs;
    let postgresDownAt: number | undefined;
    while (Date.now() < deadline) {
      // A Patroni that exited without stopping PostgreSQL (it had crashed already) leaves it running.
      if (await this.waitExit(100)) return (await this.stopOrphanedPostgres(Math.max(deadline - Date.now(), 1_000))) === 'killed' ? 'killed' : 'stopped';
      if (this.postmasterPid() === undefined) postgresDownAt ??= Date.now();
      if (postgresDownAt !== undefined && Date.now() - postgresDownAt > POSTGRES_DOWN_GRACE_MS) {
        child.kill('SIGKILL');
        await this.waitExit(5_000);
        return 'stopped';
      }
    }
    await this.kill();
    return 'killed';
  }

  /**
   * A crash of the whole node: SIGKILL to its Patroni and to its postmaster and every child of it,
   * at once (no shutdown checkpoint, no leader key released).
   */
  async kill(): Promise<{ patroniPid?: number; postmasterPid?: number }> {
    this.wanted = false;
    const patroniPid = this.isRunning ? this.child?.pid : undefined;
    const postmasterPid = this.postmasterPid();
    const victims = [patroniPid, postmasterPid, ...(postmasterPid ? childrenOf(postmasterPid) : [])].filter((p): p is number => p !== undefined);
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    if (patroniPid !== undefined) await this.waitExit(5_000);
    return { ...(patroniPid !== undefined ? { patroniPid } : {}), ...(postmasterPid !== undefined ? { postmasterPid } : {}) };
  }

  /**
   * A PostgreSQL whose Patroni died (crashed, killed) keeps running: fast shutdown (SIGINT to the
   * postmaster), then SIGKILL after the grace period.
   */
  private async stopOrphanedPostgres(graceMs: number): Promise<'stopped' | 'killed' | 'not running'> {
    const pid = this.postmasterPid();
    if (pid === undefined) return 'not running';
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      return 'not running';
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (this.postmasterPid() === undefined) return 'stopped';
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.kill();
    return 'killed';
  }

  /** Its Patroni's process id, while it runs. */
  get pid(): number | undefined {
    return this.isRunning ? this.child?.pid : undefined;
  }

  /** The postmaster's pid from its data directory, when it runs. */
  postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.layout.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** The last lines of its log (Patroni's and, before it takes over logging, PostgreSQL's). */
  async logTail(lines = 20): Promise<string> {
    try {
      return (await readFile(this.logFile, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** The size of its log now, to read what is written after (see `logSince`). */
  logSize(): number {
    try {
      return statSync(this.logFile).size;
    } catch {
      return 0;
    }
  }

  /** What its log gained since `offset` (from `logSize`). */
  async logSince(offset: number): Promise<string> {
    try {
      return (await readFile(this.logFile)).subarray(offset).toString('utf8');
    } catch {
      return '';
    }
  }

  /** Throws when its Patroni has exited, with the end of its log. */
  async assertRunning(what: string): Promise<void> {
    if (this.isRunning) return;
    const code = this.child?.exitCode ?? this.child?.signalCode;
    throw new CutoverError('provision', `${what}: Patroni of member ${this.name} exited (${code ?? 'not started'}): ${(await this.logTail(3)).split('\n').pop() ?? ''}`, {
      message: `Patroni of member ${this.name} exited (${code ?? 'not started'}); last lines of ${this.logFile}:\n${await this.logTail(30)}`,
    });
  }

  private async waitExit(ms: number): Promise<boolean> {
    if (!this.exited) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
    clearTimeout(timer);
    return done;
  }
}

/** The processes whose parent is `pid` (a postmaster's children), from /proc. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[1]) === pid) found.push(Number(entry));
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // No /proc: the postmaster's death ends its children soon enough.
  }
  return found;
}
