import { readdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import pg from 'pg';
import type { LocalServer } from '../../scenarios/providers/index.js';

/**
 * Fault injection for the downtime-accuracy tests. Each function returns the injected outage in
 * epoch milliseconds, measured as tightly as this machine allows:
 * - it starts when the server stops serving: the postmaster's own log line for a crash
 *   ("received immediate shutdown request", millisecond timestamps), the first SIGSTOP sent for
 *   a freeze, the lock taken or the terminate statement sent for the terminations;
 * - it ends when an ideal client gets an answer again. The ideal client has a session before the
 *   fault, like the soak's clients; from the start of the fault it runs a query on the soak's
 *   table on that session and, when the session is lost, on a fresh connection, again 2 ms after
 *   each failure. After a crash or a termination it must reconnect (TCP, fork, SCRAM) as a soak
 *   must; after a freeze its session answers as soon as the server runs again.
 * The server's own instant ("ready to accept connections", the SIGCONT) is kept beside it for
 * the test's messages. Sleeping here is the measurement's input (keep the server down for N
 * seconds), never a wait for a state.
 */
export interface InjectedOutage {
  kind: string;
  start: number;
  end: number;
  lengthMs: number;
  /** When the server was released: the "ready to accept connections" line, the SIGCONT, the terminate. */
  releasedAt: number;
}

/** Settings that make the server's log usable as a clock: millisecond timestamps in UTC. */
export const LOG_CLOCK_SETTINGS = { log_line_prefix: '%m [%p] ', log_timezone: 'UTC' } as const;

/** The soak's table: the ideal client's query touches it, so a lock on it holds the client too. */
const PROBE_SQL = 'SELECT count(*) FROM (SELECT 1 FROM cutover.events LIMIT 1) AS one';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Times (epoch ms) of server log lines containing `text`, from a server started with LOG_CLOCK_SETTINGS. */
export function logTimes(server: LocalServer, text: string): number[] {
  const times: number[] = [];
  for (const line of readFileSync(server.logFile, 'utf8').split('\n')) {
    if (!line.includes(text)) continue;
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC /.exec(line);
    if (m) times.push(Date.parse(`${m[1]}T${m[2]}Z`));
  }
  return times;
}

/** True when a TCP connection to the server's port is accepted (by the kernel: a frozen postmaster counts). */
function portOpen(server: LocalServer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: server.host, port: server.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function newClient(server: LocalServer): pg.Client {
  const client = new pg.Client({ ...server.endpoint(), ssl: false, connectionTimeoutMillis: 60_000, application_name: 'cutover-ideal-client' });
  client.on('error', () => {});
  return client;
}

/**
 * The ideal client of the module comment: `connect()` before the fault, `answered()` as soon as
 * it begins; resolves with the epoch ms of the first answer. While the port refuses, it knocks
 * with bare TCP connections (they fail the same way and cost nothing); one attempt at a time, so
 * that it does not slow the recovery it measures.
 */
class IdealClient {
  private session: pg.Client | undefined;
  private cancelled = false;

  constructor(private readonly server: LocalServer) {}

  async connect(): Promise<void> {
    const client = newClient(this.server);
    await client.connect();
    this.session = client;
  }

  async answered(): Promise<number> {
    const session = this.session;
    this.session = undefined;
    if (session) {
      try {
        await session.query(PROBE_SQL);
        return Date.now();
      } catch {
        // The session died with the server: reconnect like any client.
      } finally {
        void session.end().catch(() => {});
      }
    }
    while (!this.cancelled) {
      if (!(await portOpen(this.server))) {
        await sleep(2);
        continue;
      }
      const client = newClient(this.server);
      try {
        await client.connect();
        await client.query(PROBE_SQL);
        return Date.now();
      } catch {
        await sleep(2);
      } finally {
        void client.end().catch(() => {});
      }
    }
    throw new Error('ideal client cancelled');
  }

  cancel(): void {
    this.cancelled = true;
    void this.session?.end().catch(() => {});
  }
}

/**
 * Crashes the server (`pg_ctl stop -m immediate`), keeps it down `downMs` after the stop command
 * returns, and starts it again (crash recovery included).
 */
export async function crashFor(server: LocalServer, downMs: number): Promise<InjectedOutage> {
  const shutdownsBefore = logTimes(server, 'received immediate shutdown request').length;
  const readyBefore = logTimes(server, 'ready to accept connections').length;
  const client = new IdealClient(server);
  await client.connect();
  try {
    await server.stop('immediate');
    const answered = client.answered();
    await sleep(downMs);
    await server.start();
    const end = await answered;
    const start = logTimes(server, 'received immediate shutdown request')[shutdownsBefore];
    const releasedAt = logTimes(server, 'ready to accept connections')[readyBefore];
    if (start === undefined || releasedAt === undefined) throw new Error(`the server log of ${server.name} lacks the shutdown or ready line`);
    return { kind: `stop -m immediate, restart after ${downMs} ms`, start, end, lengthMs: end - start, releasedAt };
  } finally {
    client.cancel();
  }
}

/** Child processes of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may contain spaces and parentheses: the fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Freezes the postmaster and every child (SIGSTOP) for `frozenMs`, then thaws them (SIGCONT).
 * The postmaster is stopped first, so that it forks nothing while its children are listed.
 */
export async function freezeFor(server: LocalServer, frozenMs: number): Promise<InjectedOutage> {
  const postmaster = await server.postmasterPid();
  const client = new IdealClient(server);
  await client.connect();
  try {
    const start = Date.now();
    process.kill(postmaster, 'SIGSTOP');
    const children = childrenOf(postmaster);
    for (const pid of children) signal(pid, 'SIGSTOP');
    const answered = client.answered();
    await sleep(frozenMs - (Date.now() - start));
    for (const pid of children) signal(pid, 'SIGCONT');
    process.kill(postmaster, 'SIGCONT');
    const releasedAt = Date.now();
    const end = await answered;
    return { kind: `SIGSTOP of the postmaster and its children for ${frozenMs} ms`, start, end, lengthMs: end - start, releasedAt };
  } finally {
    client.cancel();
  }
}

/**
 * Terminates every client session at once (`pg_terminate_backend` of every client backend but
 * the harness's own admin sessions). The server keeps serving, but every client must open a new
 * session. With `inFlightMs`, the soak's table is first locked for that long, so that requests
 * are in flight when the sessions die (the outage then starts when the lock was taken). Returns
 * how many sessions it ended.
 */
export async function terminateAll(server: LocalServer, options: { inFlightMs?: number } = {}): Promise<InjectedOutage & { terminated: number }> {
  await using admin = await server.admin();
  await using locker = await server.admin();
  const client = new IdealClient(server);
  await client.connect();
  try {
    let start = Date.now();
    let answered: Promise<number> | undefined;
    if (options.inFlightMs) {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE cutover.events IN ACCESS EXCLUSIVE MODE');
      start = Date.now();
      answered = client.answered();
      await sleep(options.inFlightMs);
    }
    const terminatedAt = Date.now();
    if (!options.inFlightMs) start = terminatedAt;
    const rows = await admin.query<{ n: string }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND application_name <> 'cutover-admin'`,
    );
    answered ??= client.answered();
    if (options.inFlightMs) await locker.query('COMMIT');
    const end = await answered;
    const kind = options.inFlightMs ? `pg_terminate_backend of every session, requests held in flight ${options.inFlightMs} ms` : 'pg_terminate_backend of every session';
    return { kind, start, end, lengthMs: end - start, releasedAt: terminatedAt, terminated: Number(rows[0]?.n ?? 0) };
  } finally {
    client.cancel();
  }
}
