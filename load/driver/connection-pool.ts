import type pg from 'pg';
import { type Endpoint, endpointForHost } from '../../core/endpoint.js';
import { connectClient, connectFailureCause, connectedHost } from '../../core/connect-client.js';
import { IDENTITY_SQL, type IdentityRow, type ServerIdentity, serverIdentity } from '../server-identity.js';
import { classifyConnectFailure } from '../connect-failure-class.js';
import { describeError } from '../error-samples.js';
import { acquireFailure, type AcquireFailure } from './acquire-failure.js';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import { PooledConnection } from './pooled-connection.js';
import { retireConnection } from './retire-connection.js';
import { DeadlineQueue } from './deadline-queue.js';

export interface ConnectionPoolOptions {
  endpoint: Endpoint;
  /** Most connections open at once. */
  size: number;
  /** `application_name` of every connection, so they can be found in pg_stat_activity. */
  applicationName: string;
  /** Longest wait for a connection to be established (TCP and startup). */
  connectTimeoutMs: number;
  backoff?: BackoffOptions;
  /** Longest wait for a polite goodbye on close before the sockets are cut. Default 2000 ms. */
  closeTimeoutMs?: number;
  /**
   * Statements a connection may carry at once (each still its own transaction, Sync after each).
   * Default 1. More lets fewer connections carry a higher rate, at a price: when a connection
   * dies, every statement queued on it ends `unknown` where, waiting for a free connection, it
   * would have ended `error` (certainly not committed).
   */
  pipelineDepth?: number;
  /**
   * Parse every statement as the unnamed one (through a transaction-mode pooler). Default `auto`:
   * each new connection asks for `pg_backend_pid()`; when it differs from the process id the
   * connection's BackendKeyData announced, a pooler (PgBouncer, in session or transaction mode)
   * sits between, and that connection parses unnamed (safe in both modes, a Parse per statement).
   */
  unnamedStatements?: boolean | 'auto';
}

/** One attempt waiting for a connection. The pool sets `served` before calling back, once. */
export interface PoolWaiter {
  /** `performance.now()` time after which it gives up. */
  readonly deadline: number;
  served: boolean;
  queuedAt: number;
  granted(connection: PooledConnection): void;
  refused(failure: AcquireFailure): void;
}

/** Counts for progress lines and tests. */
export interface PoolStats {
  open: number;
  idle: number;
  connecting: number;
  waiting: number;
  consecutiveFailures: number;
  /** Connections established, and connection attempts that failed, since the pool was made. */
  opened: number;
  failedConnects: number;
  /** Most connections open at once. */
  peakOpen: number;
}

const STOPPING = acquireFailure('other', 'the load is stopping');

/**
 * A bounded pool of connections managed by hand, so that the driver knows exactly when a
 * connection dies and why. Connections are opened on demand; after a failed connection attempt the
 * pool backs off (exponential, capped, jittered) and tries one connection at a time until one
 * succeeds. While no connection is alive and the last attempt failed, `acquire` fails at once with
 * that failure's class (the server is known to refuse) instead of queueing.
 */
export class ConnectionPool implements AsyncDisposable {
  /** Free capacity: each entry lets one more statement onto that connection (oldest first). */
  /** Free statement slots per live connection (depth minus the statements in flight on it). */
  private readonly free = new Map<PooledConnection, number>();
  private readonly live = new Set<PooledConnection>();
  /** Connection attempts under way; aborting one cuts its socket (see `close`). */
  private readonly pending = new Set<AbortController>();
  private readonly waiters = new DeadlineQueue<PoolWaiter>(
    (w) => w.deadline,
    (w) => !w.served,
    (w) => {
      w.served = true;
      this.waiting--;
      w.refused(this.waitFailure(w.queuedAt));
    },
  );
  private waiting = 0;
  private failures = 0;
  private opened = 0;
  private failedConnects = 0;
  private peakOpen = 0;
  private lastReleaseAt = 0;
  private lastFailure: AcquireFailure | undefined;
  private nextConnectAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  private readonly depth: number;

  constructor(private readonly options: ConnectionPoolOptions) {
    this.depth = Math.max(1, options.pipelineDepth ?? 1);
  }

  stats(): PoolStats {
    return {
      open: this.live.size,
      idle: this.freeSlots(),
      connecting: this.pending.size,
      waiting: this.waiting,
      consecutiveFailures: this.failures,
      opened: this.opened,
      failedConnects: this.failedConnects,
      peakOpen: this.peakOpen,
    };
  }

  /**
   * Serves the waiter a connection (for its one statement: alone on it at depth 1, else sharing
   * it with as many as the depth allows) until `release`, `retire` or `discard`; or refuses it
   * with the reason there was none once its deadline passes. It is called back at once when a
   * connection is free or the server is known to refuse.
   */
  acquire(waiter: PoolWaiter): void {
    waiter.queuedAt = performance.now();
    if (this.closing) return this.refuse(waiter, STOPPING);
    const connection = this.leastBusy();
    if (connection) {
      waiter.served = true;
      waiter.granted(connection);
      return;
    }
    if (this.lastFailure && this.live.size === 0 && this.pending.size === 0) return this.refuse(waiter, this.lastFailure);
    this.waiters.push(waiter);
    this.waiting++;
    this.fill();
  }

  private refuse(waiter: PoolWaiter, failure: AcquireFailure): void {
    waiter.served = true;
    waiter.refused(failure);
  }

  /**
   * Why a waiter got no connection in time: the last connection failure when new connections are
   * failing (it says why the pool could not grow, e.g. sqlstate-53300); `timeout` when connections
   * hang or when no busy connection came back the whole time it waited (the server stopped
   * answering); `saturated` when connections did come back but demand outran them.
   */
  private waitFailure(queuedAt: number): AcquireFailure {
    if (this.lastFailure) return this.lastFailure;
    if (this.live.size === 0 || this.pending.size > 0 || this.lastReleaseAt < queuedAt) {
      return acquireFailure('timeout', 'no connection answered before the attempt timed out');
    }
    return acquireFailure('saturated', 'every connection stayed busy until the attempt timed out');
  }

  /** Gives back a healthy connection (after a success or a statement error). */
  release(connection: PooledConnection): void {
    this.lastReleaseAt = performance.now();
    if (connection.dead || this.closing) {
      this.discard(connection);
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter) waiter.granted(connection);
    else this.free.set(connection, (this.free.get(connection) ?? 0) + 1);
  }

  /** Takes back a connection whose statement outlived its attempt (see retireConnection). */
  retire(connection: PooledConnection, statement: Promise<unknown>, graceMs: number): void {
    retireConnection(connection.endpoint ?? this.options.endpoint, connection, statement, graceMs, (reusable) => {
      if (reusable) this.release(connection);
      else this.discard(connection);
    });
  }

  /** Drops a connection whose state is unknown (died under a statement, or would not end). */
  discard(connection: PooledConnection): void {
    if (!connection.dead) connection.destroy();
    this.forget(connection);
  }

  private forget(connection: PooledConnection): void {
    if (!this.live.delete(connection)) return;
    this.free.delete(connection);
    this.fill();
  }

  /**
   * Takes a slot on the connection with the fewest statements in flight: at low rates every
   * statement has a connection to itself, and pipelining starts only when the rate needs it.
   */
  private leastBusy(): PooledConnection | undefined {
    let best: PooledConnection | undefined;
    let bestFree = 0;
    for (const [connection, slots] of this.free) {
      if (slots > bestFree) {
        best = connection;
        bestFree = slots;
        if (slots === this.depth) break;
      }
    }
    if (!best) return undefined;
    if (bestFree === 1) this.free.delete(best);
    else this.free.set(best, bestFree - 1);
    return best;
  }

  private freeSlots(): number {
    let total = 0;
    for (const slots of this.free.values()) total += slots;
    return total;
  }

  private nextWaiter(): PoolWaiter | undefined {
    const w = this.waiters.shift();
    if (w) {
      w.served = true;
      this.waiting--;
    }
    return w;
  }

  /**
   * Opens connections for the waiters, within the size; while the server fails, one at a time after
   * the backoff delay, and one even without waiters so that the end of an outage is seen early.
   */
  private fill(): void {
    if (this.closing) return;
    const room = this.options.size - this.live.size;
    const probe = this.failures > 0 && this.live.size === 0 ? 1 : 0;
    // One connection per waiter up to the size: pipelining is for when the pool is full.
    let wanted = Math.min(room, Math.max(this.waiting - this.freeSlots(), probe));
    // While no connection is alive (the server failing, or every session just cut), one at a time:
    // the first to get through ends the outage, and on a small machine parallel handshakes
    // (a fork and a SCRAM exchange each) would only delay it.
    if (this.failures > 0 || this.live.size === 0) wanted = Math.min(wanted, 1);
    if (this.pending.size >= wanted) return;
    const now = performance.now();
    if (now < this.nextConnectAt) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.fill();
      }, this.nextConnectAt - now);
      return;
    }
    while (this.pending.size < wanted) this.connect();
  }

  private connect(): void {
    const attempt = new AbortController();
    this.pending.add(attempt);
    // connectClient: libpq's sslmode fallbacks (prefer, allow), the same as every other connection.
    const settings = { application_name: this.options.applicationName, connectionTimeoutMillis: this.options.connectTimeoutMs };
    connectClient(this.options.endpoint, settings, { signal: attempt.signal })
      .then(async (client) => {
        try {
          const { unnamed, server } = await this.inspect(client, attempt.signal);
          const settled = connectedHost(client);
          const endpoint = settled ? endpointForHost(this.options.endpoint, settled) : this.options.endpoint;
          return new PooledConnection(client, { unnamedStatements: unnamed }, endpoint, server);
        } catch (error) {
          client.connection.stream.destroy();
          throw error;
        }
      })
      .then(
        (connection) => {
          this.pending.delete(attempt);
          const client = connection.client;
          const died = (cause: unknown) => {
            if (connection.deathCause === undefined) connection.deathCause = cause;
            connection.dead = true;
            this.forget(connection);
          };
          // A connection that dies idle must not crash the process; a statement under way gets its own error.
          client.on('error', died);
          client.on('end', () => died(new Error('connection ended')));
          if (this.closing) {
            connection.destroy();
            return;
          }
          connection.open();
          this.failures = 0;
          this.lastFailure = undefined;
          this.opened++;
          this.live.add(connection);
          this.peakOpen = Math.max(this.peakOpen, this.live.size);
          for (let i = 0; i < this.depth; i++) this.release(connection);
          this.fill();
        },
        (error: unknown) => {
          this.pending.delete(attempt);
          if (this.closing) return;
          this.failures++;
          this.failedConnects++;
          // connectClient's error names the endpoint and why; its cause keeps the SQLSTATE or errno.
          const failure = acquireFailure(classifyConnectFailure(error), describeError(error).message, connectFailureCause(error));
          this.lastFailure = failure;
          this.nextConnectAt = performance.now() + backoffDelayMs(this.failures, this.options.backoff);
          // With no connection alive, the waiters cannot be served soon: they fail now, with the cause.
          if (this.live.size === 0) {
            for (let w = this.nextWaiter(); w; w = this.nextWaiter()) w.refused(failure);
          }
          this.fill();
        },
      );
  }

  /**
   * What a new connection is, in one statement: which server it is on (its address, port and
   * whether it is in recovery: the timeline's writer identity) and whether it parses unnamed (as
   * told, or, with `auto`, when the backend's pid differs from the announced one: a pooler sits
   * between). A server that cannot say who it is leaves the identity unknown.
   */
  private async inspect(client: pg.Client, signal: AbortSignal): Promise<{ unnamed: boolean; server: ServerIdentity | undefined }> {
    const setting = this.options.unnamedStatements ?? 'auto';
    const announced = (client as unknown as { processID: number | null }).processID;
    // Part of opening the connection: bounded like the handshake, and cut when the pool closes.
    const cut = () => client.connection.stream.destroy();
    signal.addEventListener('abort', cut, { once: true });
    // 0, as for node-postgres' connectionTimeoutMillis, waits without limit.
    const timer = this.options.connectTimeoutMs > 0 ? setTimeout(cut, this.options.connectTimeoutMs) : undefined;
    try {
      const { rows } = await client.query<IdentityRow>(IDENTITY_SQL);
      const row = rows[0];
      return { unnamed: setting === 'auto' ? row?.pid !== announced : setting, server: serverIdentity(client, row) };
    } catch (error) {
      // Without `auto` nothing depended on the answer: the connection serves, its server unnamed.
      if (setting === 'auto' || signal.aborted || client.connection.stream.destroyed) throw error;
      return { unnamed: setting, server: undefined };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', cut);
    }
  }

  /**
   * Whether a connection that just failed a statement with `error` should serve again. A server
   * that turned read-only (SQLSTATE 25006: a demoted primary, a read-only flip) under an endpoint
   * that asks for a writer is left, so that the next connection finds the new primary.
   */
  keepsAfter(error: unknown): boolean {
    const target = this.options.endpoint.targetSessionAttrs;
    if (target !== 'read-write' && target !== 'primary') return true;
    return (error as { code?: unknown } | null)?.code !== '25006';
  }

  /** Fails the waiters, says goodbye to every connection (cutting those that do not answer); idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      for (let w = this.nextWaiter(); w; w = this.nextWaiter()) w.refused(STOPPING);
      this.waiters.close();
      for (const attempt of this.pending) attempt.abort();
      const connections = [...this.live];
      this.live.clear();
      this.free.clear();
      const timeoutMs = this.options.closeTimeoutMs ?? 2_000;
      await Promise.all(connections.map((c) => (c.dead ? c.destroy() : c.end(timeoutMs))));
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
