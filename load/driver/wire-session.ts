import type { Duplex } from 'node:stream';
import pg from 'pg';
import { encodeBindExecuteSync, encodeParse, TERMINATE } from './wire-encode.js';

/** Who hears how a statement ended: `error` undefined for success. Called exactly once. */
export interface StatementReceiver {
  reply(error?: unknown): void;
}

interface Pending {
  receiver: StatementReceiver;
  error?: unknown;
  /** The statement this query parses on the way, forgotten again if the Parse itself fails. */
  parsed?: string;
}

/** The error for a query on a session already known dead: it never left the client. */
export const NOT_QUERYABLE = 'Client has encountered a connection error and is not queryable';

/**
 * The driver's hot path: statements sent over a connection node-postgres has opened (it keeps
 * doing what it does well: TLS, sslmode fallbacks, SCRAM), after which this session reads and
 * writes the socket itself. A statement is Parse (first time on this connection) + Bind + Execute
 * + Sync in one write; the reply is consumed up to ReadyForQuery without building result objects,
 * because the driver only needs to know how each statement ended. That costs a fraction of what a
 * general-purpose client spends per query, which is what lets one Node process keep pace with
 * pgbench. When the connection ends, every pending statement fails exactly once, the one in
 * progress with the server's own error when it sent one (a FATAL 57P01, say).
 */
export class WireSession {
  private readonly stream: Duplex;
  private readonly pending: Pending[] = [];
  private readonly parsed = new Set<string>();
  private rest: Buffer | undefined;
  private deathCause: unknown;
  private closedFlag = false;
  private readonly closeWaiters: (() => void)[] = [];

  /**
   * With `unnamedStatements`, every statement is parsed again as the unnamed statement in the same
   * write as its Bind/Execute/Sync: a pooler in transaction mode (PgBouncer before 1.21) may run
   * each transaction on another server connection, where a named statement does not exist.
   */
  constructor(
    client: pg.Client,
    private readonly options: { unnamedStatements?: boolean } = {},
  ) {
    this.stream = client.connection.stream;
    // From here on the replies are ours; node-postgres keeps its end/error listeners.
    this.stream.removeAllListeners('data');
    this.stream.on('data', (chunk: Buffer) => this.onData(chunk));
    this.stream.on('error', (error: Error) => (this.deathCause ??= error));
    this.stream.on('close', () => this.onClose());
    if (this.stream.destroyed) queueMicrotask(() => this.onClose());
  }

  /** True once the socket has closed. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Statements sent and not yet answered. */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Sends one statement; `receiver.reply()` when the server acknowledged it, `reply(error)` with
   * its error. Callbacks, not promises: this runs tens of thousands of times a second.
   */
  query(statement: { name: string; text: string }, values: readonly unknown[], receiver: StatementReceiver): void {
    if (this.closedFlag || this.stream.destroyed) {
      queueMicrotask(() => receiver.reply(new Error(NOT_QUERYABLE)));
      return;
    }
    const p: Pending = { receiver };
    const unnamed = this.options.unnamedStatements === true;
    let bytes = encodeBindExecuteSync(unnamed ? '' : statement.name, values);
    if (unnamed) {
      bytes = Buffer.concat([encodeParse('', statement.text), bytes]);
    } else if (!this.parsed.has(statement.name)) {
      this.parsed.add(statement.name);
      p.parsed = statement.name;
      bytes = Buffer.concat([encodeParse(statement.name, statement.text), bytes]);
    }
    this.pending.push(p);
    // Statements sent in the same tick (pipelined on this connection) leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      process.nextTick(this.uncork);
    }
    this.stream.write(bytes);
  }

  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.stream.uncork();
  };

  /** Cuts the socket at once; pending statements fail. */
  destroy(): void {
    this.stream.destroy();
  }

  /** Says goodbye and waits for the server to close, cutting the socket after `timeoutMs`. */
  async end(timeoutMs: number): Promise<void> {
    if (this.closedFlag) return;
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    this.stream.end(TERMINATE);
    const timer = setTimeout(() => this.stream.destroy(), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= 5) {
      const end = off + 1 + buf.readInt32BE(off + 1);
      if (end > buf.length) break;
      this.onMessage(buf[off] as number, buf, off + 5, end);
      off = end;
    }
    this.rest = off < buf.length ? buf.subarray(off) : undefined;
  }

  private onMessage(type: number, buf: Buffer, start: number, end: number): void {
    if (type === 0x45) {
      // ErrorResponse: it belongs to the statement in progress, or (FATAL while idle) to the session.
      const error = parseError(buf, start, end);
      const head = this.pending[0];
      if (head) head.error ??= error;
      else this.deathCause ??= error;
    } else if (type === 0x31) {
      // ParseComplete: the statement exists on this connection whatever happens to this execution.
      const head = this.pending[0];
      if (head) head.parsed = undefined;
    } else if (type === 0x5a) {
      // ReadyForQuery ends one statement's exchange.
      const head = this.pending.shift();
      if (!head) return;
      if (head.error !== undefined && head.parsed) this.parsed.delete(head.parsed);
      head.receiver.reply(head.error);
    }
    // Everything else (ParseComplete, BindComplete, DataRow, CommandComplete, notices, parameter
    // status, notifications) says nothing about how a statement ended.
  }

  private onClose(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    const cause = this.deathCause instanceof Error && !(this.deathCause instanceof pg.DatabaseError) ? this.deathCause : undefined;
    const fatal = this.deathCause instanceof pg.DatabaseError ? this.deathCause : undefined;
    for (const p of this.pending.splice(0)) {
      p.receiver.reply(p.error ?? fatal ?? cause ?? new Error('Connection terminated unexpectedly'));
    }
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}

/** An ErrorResponse as node-postgres would give it: a DatabaseError with the server's fields. */
function parseError(buf: Buffer, start: number, end: number): pg.DatabaseError {
  const fields: Record<string, string> = {};
  let o = start;
  while (o < end && buf[o] !== 0) {
    const code = String.fromCharCode(buf[o] as number);
    const zero = buf.indexOf(0, o + 1);
    fields[code] = buf.toString('utf8', o + 1, zero);
    o = zero + 1;
  }
  const error = new pg.DatabaseError(fields.M ?? 'unknown server error', end - start + 4, 'error');
  Object.assign(error, { severity: fields.V ?? fields.S, code: fields.C, detail: fields.D, hint: fields.H });
  return error;
}
