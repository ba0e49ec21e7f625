import { CutoverError } from './errors.js';
import { type Endpoint, describeEndpoint } from './endpoint.js';
import { connectClient } from './connect-client.js';
import { queryError } from './pg-errors.js';

export interface SessionOptions {
  /** Forces `default_transaction_read_only` for the session. Default true: checks never write. */
  readOnly?: boolean;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  applicationName?: string;
  /** Cuts the connection attempt (Ctrl-C): the promise rejects with an `interrupted` error. */
  signal?: AbortSignal;
}

export type Row = Record<string, unknown>;

/** One connection with the session settings of a check (or of the harness when writable). */
export interface Session extends AsyncDisposable {
  readonly endpoint: Endpoint;
  /** `server_version_num`, e.g. 170010. */
  readonly serverVersionNum: number;
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export const DEFAULT_SESSION: Required<Omit<SessionOptions, 'signal'>> = {
  readOnly: true,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 2_000,
  applicationName: 'cutover',
};

/** SQL that opens or ends transactions itself (it sets READ ONLY on its own, as EXPLAIN does). */
const TRANSACTION_CONTROL = /(^|;)\s*(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|ABORT|END|SAVEPOINT)\b/i;

/** PgBouncer's refusal of a startup parameter it does not know (FATAL 08P01). */
function refusedStartupParameter(error: unknown): boolean {
  return error instanceof CutoverError && error.sqlState === '08P01' && /unsupported startup parameter/i.test(error.message);
}

export async function openSession(endpoint: Endpoint, options: SessionOptions = {}): Promise<Session> {
  const o = { ...DEFAULT_SESSION, ...options };
  let pooled = false;
  // connectClient applies libpq's sslmode fallbacks and turns failures into one CutoverError.
  const client = await connectClient(endpoint, {
    application_name: o.applicationName,
    statement_timeout: o.statementTimeoutMs,
    lock_timeout: o.lockTimeoutMs,
    // Read-only is a startup option, so it holds before the first statement runs.
    options: o.readOnly ? '-c default_transaction_read_only=on' : undefined,
  }, { signal: options.signal }).catch((error: unknown) => {
    if (!refusedStartupParameter(error)) throw error;
    // A pooler (PgBouncer without ignore_startup_parameters) refuses these settings at startup.
    // They are not sent as SET either: through transaction pooling a SET stays on the server
    // connection and reaches other clients (a read-only flag would break the application's writes).
    pooled = true;
    return connectClient(endpoint, { application_name: o.applicationName }, { signal: options.signal });
  });
  // Through such a pooler the guards move into each statement's own transaction instead:
  // BEGIN READ ONLY and SET LOCAL last only as long as it, so nothing reaches other clients.
  const guard = pooled && o.readOnly ? `BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.floor(o.statementTimeoutMs)}; SET LOCAL lock_timeout = ${Math.floor(o.lockTimeoutMs)}` : undefined;
  let serverVersionNum: number;
  try {
    const res = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    serverVersionNum = Number(res.rows[0]?.v);
  } catch (error) {
    await client.end().catch(() => {});
    throw queryError(error, 'SELECT current_setting(server_version_num)');
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= client.end().catch(() => {});
    return closed;
  };
  return {
    endpoint,
    serverVersionNum,
    async query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]> {
      if (closed) throw new CutoverError('internal', `session to ${describeEndpoint(endpoint)} is closed`);
      const guarded = guard !== undefined && !TRANSACTION_CONTROL.test(sql);
      try {
        if (guarded) await client.query(guard);
        const res = await client.query<R>(sql, params);
        if (guarded) await client.query('COMMIT');
        return res.rows;
      } catch (error) {
        if (guarded) await client.query('ROLLBACK').catch(() => {});
        throw queryError(error, sql);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
