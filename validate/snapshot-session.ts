import { connectClient } from '../core/connect-client.js';
import { CutoverError } from '../core/errors.js';
import { type Endpoint, describeEndpoint } from '../core/endpoint.js';
import { queryError } from '../core/pg-errors.js';
import type { Row, Session } from '../core/session.js';
import { SESSION_SETTINGS } from './canonical.js';

/** A snapshot id as a SQL literal (ids are hex and dashes; quoted all the same). */
function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The planner takes a hash for a distinct value per row, so it expects a million groups from
 * `hash & mask` over a million rows and sorts them all (on disk) where a hash aggregate of a few
 * thousand buckets fits in memory. Validation's queries never need a sort.
 */
const PLANNER_SETTINGS: Readonly<Record<string, string>> = {
  enable_sort: 'off',
  // Room for the hash aggregate of the largest digest (2^20 buckets, about 100 MB with the
  // default hash_mem_multiplier of 2) without spilling to disk; a few thousand buckets use a few MB.
  work_mem: '64MB',
};

/**
 * A scan of a large table sends nothing until it ends, so a server would not notice that the
 * harness closed the connection (Ctrl-C) before then; this makes it look every second (PG 14+).
 */
const CONNECTION_CHECK: Readonly<Record<string, string>> = { client_connection_check_interval: '1000' };

/** `hash_record_extended`, which every digest uses, came with PostgreSQL 14. */
export const MIN_SERVER_VERSION_NUM = 140000;

export interface SnapshotSessionOptions {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  applicationName: string;
  /** A snapshot another session exported (`pg_export_snapshot()`), to read as of the same instant. */
  snapshot?: string;
  /** Cuts the connection attempt (Ctrl-C): the promise rejects with an `interrupted` error. */
  signal?: AbortSignal;
}

/** A session inside its snapshot, with the server's version. */
export interface SnapshotSession extends Session {
  readonly serverVersion: string;
}

/** PgBouncer's refusal of a startup parameter it does not know (FATAL 08P01). */
function refusedStartupParameter(error: unknown): boolean {
  return error instanceof CutoverError && error.sqlState === '08P01' && /unsupported startup parameter/i.test(error.message);
}

/**
 * One connection inside one `REPEATABLE READ READ ONLY` transaction, for the whole validation of a
 * side. core/session.ts's sessions wrap each statement in its own transaction behind a pooler
 * that refuses startup settings, which would end the snapshot after one statement; here every
 * statement runs inside the one explicit transaction, which is read-only by its BEGIN (and by
 * `default_transaction_read_only` at startup when the server accepts it), and whose timeouts and
 * settings are `SET LOCAL`: nothing outlives it, even on a pooled server connection. A
 * transaction pooler keeps the server connection for the whole transaction, so it works too.
 */
export async function openSnapshotSession(endpoint: Endpoint, options: SnapshotSessionOptions): Promise<SnapshotSession> {
  const client = await connectClient(endpoint, { application_name: options.applicationName, options: '-c default_transaction_read_only=on' }, { signal: options.signal }).catch((error: unknown) => {
    if (!refusedStartupParameter(error)) throw error;
    return connectClient(endpoint, { application_name: options.applicationName }, { signal: options.signal });
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= client.end().catch(() => {});
    return closed;
  };
  const query = async <R extends Row = Row>(sql: string, params?: unknown[]): Promise<R[]> => {
    if (closed) throw new CutoverError('internal', 'the validation session is closed');
    try {
      return (await client.query<R>(sql, params)).rows;
    } catch (error) {
      throw queryError(error, sql);
    }
  };
  try {
    await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Before the transaction's first query, which would take a snapshot of its own.
    if (options.snapshot !== undefined) await query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(options.snapshot)}`);
    const [version] = await query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`);
    const serverVersionNum = Number(version?.n);
    if (!(serverVersionNum >= MIN_SERVER_VERSION_NUM)) {
      throw new CutoverError('query', `${describeEndpoint(endpoint)}: PostgreSQL ${version?.v ?? '?'}: data validation needs PostgreSQL 14 or later (hash_record_extended)`);
    }
    const settings: Record<string, string> = {
      ...SESSION_SETTINGS,
      ...PLANNER_SETTINGS,
      ...CONNECTION_CHECK,
      statement_timeout: String(Math.floor(options.statementTimeoutMs)),
      lock_timeout: String(Math.floor(options.lockTimeoutMs)),
    };
    for (const [name, value] of Object.entries(settings)) await query(`SELECT set_config($1, $2, true)`, [name, value]);
    return { endpoint, serverVersion: version?.v ?? '', serverVersionNum, query, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    await close();
    throw error;
  }
}
