import { classifyError, type ErrorClass } from '../error-class.js';
import type { AttemptOutcomeKind } from '../ledger-types.js';
import type { AcquireFailure } from './acquire-failure.js';
import { failedQueryOutcome } from './attempt-outcome.js';
import type { ConnectionPool, PoolWaiter } from './connection-pool.js';
import type { DeadlineQueue } from './deadline-queue.js';
import type { PooledConnection } from './pooled-connection.js';
import type { StatementReceiver } from './wire-session.js';
import type { ServerIdentity } from '../server-identity.js';

export interface AttemptResult {
  outcome: AttemptOutcomeKind;
  errorClass?: ErrorClass;
  error?: unknown;
  /** What to say about a failure that has no error object (a refusal by the pool, a deadline). */
  message?: string;
  /** `performance.now()` time the statement was handed to a connection; absent when it never was. */
  sentAt?: number;
  completedAt: number;
  /** The server a successful attempt ran on, when known. */
  server?: ServerIdentity | undefined;
}

/** What every attempt of a run shares. */
export interface AttemptContext {
  pool: ConnectionPool;
  /** Statements under way, expired at their deadline. */
  statements: DeadlineQueue<Attempt>;
  /** How long a late statement may finish (then be cancelled) before its connection is cut. */
  retireGraceMs: number;
  settle(attempt: Attempt, result: AttemptResult): void;
}

/**
 * One attempt: it waits for a connection (the wait counts against its timeout, which runs from
 * its due time), sends its statement, and settles exactly once — `ok` on success, `error` when
 * certainly not committed, `unknown` when sent and then the connection died or the deadline passed
 * (the connection is then retired: given time to finish, then cancelled, then cut). Callbacks, not
 * promises, and no timer of its own: the driver runs tens of thousands of these a second.
 */
export class Attempt implements PoolWaiter, StatementReceiver {
  served = false;
  settled = false;
  queuedAt = 0;
  private connection: PooledConnection | undefined;
  private sentAt: number | undefined;
  /** Set once the attempt has timed out: hears the statement's late end, for its connection's retirement. */
  private lateReply: (() => void) | undefined;

  constructor(
    readonly dueAt: number,
    readonly deadline: number,
    private readonly statement: { name: string; text: string },
    private readonly values: readonly unknown[],
    private readonly ctx: AttemptContext,
    /** The driver's own bookkeeping for this attempt (operation, ledger seq...). */
    readonly tag: unknown,
  ) {}

  start(): void {
    this.ctx.pool.acquire(this);
  }

  granted(connection: PooledConnection): void {
    this.connection = connection;
    this.sentAt = performance.now();
    this.ctx.statements.push(this);
    connection.session.query(this.statement, this.values, this);
  }

  refused(failure: AcquireFailure): void {
    this.finish({ outcome: 'error', errorClass: failure.errorClass, error: failure.cause ?? failure.message, message: failure.message, completedAt: performance.now() });
  }

  reply(error?: unknown): void {
    if (this.settled) {
      this.lateReply?.();
      return;
    }
    const connection = this.connection as PooledConnection;
    if (error === undefined) {
      this.ctx.pool.release(connection);
      this.finish({ outcome: 'ok', sentAt: this.sentAt, completedAt: performance.now(), server: connection.server });
      return;
    }
    const { outcome, connectionUsable } = failedQueryOutcome(error);
    if (connectionUsable && this.ctx.pool.keepsAfter(error)) this.ctx.pool.release(connection);
    else this.ctx.pool.discard(connection);
    this.finish({ outcome, errorClass: classifyError(error), error, sentAt: this.sentAt, completedAt: performance.now() });
  }

  /** The deadline passed with the statement under way: it may still commit. */
  expire(): void {
    if (this.settled) return;
    const connection = this.connection as PooledConnection;
    const lateEnd = new Promise<void>((resolve) => (this.lateReply = resolve));
    this.ctx.pool.retire(connection, lateEnd, this.ctx.retireGraceMs);
    this.finish({ outcome: 'unknown', errorClass: 'timeout', message: 'sent, then no reply before the attempt timed out (it may have committed)', sentAt: this.sentAt, completedAt: performance.now() });
  }

  private finish(result: AttemptResult): void {
    this.settled = true;
    this.ctx.settle(this, result);
  }
}
