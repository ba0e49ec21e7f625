import { CutoverError, isSqlState } from './errors.js';
import { type Endpoint, describeEndpoint } from './endpoint.js';

interface PgLikeError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  errno?: number;
}

const AUTH_STATES = new Set(['28P01', '28000']);

/** Turns a failure to connect into one clear line: which endpoint, and why. */
export function connectionError(endpoint: Endpoint, error: unknown): CutoverError {
  const e = error as PgLikeError;
  const where = describeEndpoint(endpoint);
  const sqlState = isSqlState(e?.code) ? e.code : undefined;
  const reason = e?.message ?? String(error);
  const code = sqlState && AUTH_STATES.has(sqlState) ? 'auth' : 'connect';
  return new CutoverError(code, `cannot connect to ${where}: ${reason}`, {
    cause: error,
    sqlState,
    detail: e?.detail,
    hint: e?.hint,
  });
}

/** A failed query keeps SQLSTATE, detail and hint; the full message carries the SQL. */
export function queryError(error: unknown, sql: string): CutoverError {
  if (error instanceof CutoverError) return error;
  const e = error as PgLikeError;
  const sqlState = isSqlState(e?.code) ? e.code : undefined;
  const short = sqlState ? `${e.message} (SQLSTATE ${sqlState})` : (e?.message ?? String(error));
  return new CutoverError('query', short, {
    cause: error,
    message: `${short}\n${sql.trim()}`,
    sqlState,
    detail: e?.detail,
    hint: e?.hint,
  });
}
