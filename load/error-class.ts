import { isSqlState } from '../core/errors.js';

/**
 * The classes DESIGN.md counts outages by. `saturated` is the driver's own: every connection of
 * its pool stayed busy until the attempt's deadline (the load outran the server or the pool).
 * `tls`, `dns`, `auth` and `permission-denied` are refusals a working server gives to this client:
 * a configuration to fix, not downtime to measure.
 */
export type ErrorClass =
  | 'refused'
  | 'reset'
  | 'admin-shutdown'
  | 'starting-up'
  | 'shutting-down'
  | 'read-only'
  | 'timeout'
  | 'auth'
  | 'tls'
  | 'dns'
  | 'permission-denied'
  | 'saturated'
  | 'other'
  | `sqlstate-${string}`;

/** Messages of TLS failures: node-postgres' own, and OpenSSL's through Node's tls module. */
const TLS_MESSAGE = /does not support SSL|SSL connection|\bTLS\b|\bSSL\b|certificate|self[- ]signed|wrong version number|handshake/i;
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_VERIFY_LEAF_SIGNATURE$|UNABLE_TO_GET_ISSUER_CERT|CERT_)/;

/** Classifies a failed attempt from the error node-postgres or the socket gave. */
export function classifyError(error: unknown): ErrorClass {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | undefined;
  // Node reports a refused connection to several addresses (localhost: ::1, then 127.0.0.1) as
  // an AggregateError with an empty message: its parts say what happened.
  const inner = e instanceof AggregateError && e.errors.length > 0 ? (e.errors[0] as { code?: unknown; message?: unknown }) : undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof inner?.code === 'string' ? inner.code : '';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : typeof inner?.message === 'string' ? inner.message : String(error);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
  if (code === '28P01' || code === '28000' || /password authentication failed|SASL|SCRAM|client password must be a string/i.test(message)) return 'auth';
  if (code === '42501') return 'permission-denied';
  // A socket cut is a reset even during the TLS handshake ("disconnected before secure TLS
  // connection was established" while a server shuts down): downtime, not a TLS refusal.
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (TLS_CODE.test(code) || (!isSqlState(code) && TLS_MESSAGE.test(message))) return 'tls';
  if (/Connection terminated|connection ended|Client has encountered a connection error/i.test(message)) return 'reset';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'timeout';
  if (code === '57P01' || code === '57P02') return 'admin-shutdown';
  // 57P03 (cannot connect now) is said both while a server starts and while it shuts down.
  if (code === '57P03') return /shutting down/i.test(message) ? 'shutting-down' : 'starting-up';
  if (code === '25006') return 'read-only';
  if (isSqlState(code)) return `sqlstate-${code}`;
  return 'other';
}

/**
 * Classes that mean the server was not serving (what an upgrade step causes and downtime
 * measures): a failure of one of these is explained by an outage. Everything else — a refusal
 * of this client (authentication, TLS, a privilege), an error in the statement, an unclassified
 * failure — is the server answering "no" while up, and never counts as downtime's doing.
 */
export function isAvailabilityClass(cls: ErrorClass): boolean {
  if (['refused', 'reset', 'admin-shutdown', 'starting-up', 'shutting-down', 'read-only', 'timeout', 'saturated'].includes(cls)) return true;
  // Connection exceptions (08), operator intervention (57: shutdown, crash, cancel), insufficient
  // resources (53: too many connections, disk full), a database not accepting connections or a lock
  // an upgrade holds (55), and a database that does not exist while a restore recreates it (3D000).
  return /^sqlstate-(08|57|53|55|3D000)/.test(cls);
}
