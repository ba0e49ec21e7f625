import { isSqlState } from '../core/errors.js';

/**
 * The classes DESIGN.md counts outages by. `saturated` is the driver's own: every connection of
 * its pool stayed busy until the attempt's deadline (the load outran the server or the pool).
 */
export type ErrorClass = 'refused' | 'reset' | 'admin-shutdown' | 'starting-up' | 'read-only' | 'timeout' | 'auth' | 'saturated' | 'other' | `sqlstate-${string}`;

/** Classifies a failed attempt from the error node-postgres or the socket gave. */
export function classifyError(error: unknown): ErrorClass {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated|connection ended|Client has encountered a connection error/i.test(message)) return 'reset';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'timeout';
  if (code === '57P01' || code === '57P02') return 'admin-shutdown';
  if (code === '57P03') return 'starting-up';
  if (code === '25006') return 'read-only';
  if (code === '28P01' || code === '28000') return 'auth';
  if (isSqlState(code)) return `sqlstate-${code}`;
  return 'other';
}
