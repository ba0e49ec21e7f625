import pg from 'pg';
import { CutoverError } from './errors.js';
import { type Endpoint, describeEndpoint } from './endpoint.js';
import { tlsAttempts, toClientConfig } from './client-config.js';
import { connectionError } from './pg-errors.js';

/**
 * Session settings for node-postgres: everything except where and how to connect. Given
 * settings win over the endpoint's own (a pool's `connectionTimeoutMillis` over `connect_timeout`).
 */
export type ClientSettings = Omit<pg.ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl' | 'connectionString' | 'stream'>;

export interface ConnectOptions {
  /**
   * Cuts the connection attempt under way (its socket, at once) and makes no further one: a pool
   * that closes must not wait for a handshake a frozen server never finishes. The promise then
   * rejects with an `interrupted` error.
   */
  signal?: AbortSignal;
}

interface Failure {
  tls: boolean;
  error: unknown;
}

/** Failures that a second attempt, with or without TLS, cannot cure: the server is not reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ENOENT']);

/**
 * THE way cutover opens a connection (sessions, the soak's pool, the probe lane): a node-postgres
 * client with libpq's sslmode semantics, which node-postgres lacks. `prefer` falls back to a plain
 * connection when TLS fails or the server refuses it, `allow` tries TLS when the server refuses a
 * plain connection. Failures are one `CutoverError` (`connect` or `auth`) naming the endpoint,
 * never its password; the error node-postgres or the socket gave is its `cause` (see
 * `connectFailureCause`). Nothing else may construct a `pg.Client` (test/unit/one-connect-path).
 *
 * libpq answers `prefer` on one socket (SSLRequest, then plain on the same connection after an
 * "N"); node-postgres cannot, so a server without TLS costs `prefer` a second TCP connection.
 * The TLS choice that worked is deliberately not remembered: a server whose TLS setting changes
 * (a reload, a switchover to a green with TLS) would then get connections libpq would not make.
 */
export async function connectClient(endpoint: Endpoint, settings: ClientSettings = {}, options: ConnectOptions = {}): Promise<pg.Client> {
  const { signal } = options;
  const failures: Failure[] = [];
  for (const ssl of tlsAttempts(endpoint)) {
    if (signal?.aborted) break;
    const client = new pg.Client({ ...toClientConfig(endpoint, ssl), ...settings });
    // An idle connection that dies must not crash the process; the next query reports it.
    client.on('error', () => {});
    const cut = () => client.connection.stream.destroy();
    signal?.addEventListener('abort', cut, { once: true });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      failures.push({ tls: ssl !== false, error });
      if (!worthAnotherAttempt(error)) break;
    } finally {
      signal?.removeEventListener('abort', cut);
    }
  }
  if (signal?.aborted) throw new CutoverError('interrupted', `connecting to ${describeEndpoint(endpoint)} was abandoned`, { cause: failures.at(-1)?.error });
  throw connectFailure(endpoint, failures);
}

/**
 * The error underneath a failure of `connectClient`: what node-postgres or the socket gave (its
 * `code` is a SQLSTATE or an errno), for classifying; the `CutoverError` itself when cutover
 * refused before reaching the server (no password to give).
 */
export function connectFailureCause(error: unknown): unknown {
  let e = error;
  while (e instanceof CutoverError && e.cause !== undefined) e = e.cause;
  return e;
}

/** libpq retries in the other mode after any failure past reaching the server. */
function worthAnotherAttempt(error: unknown): boolean {
  if (error instanceof CutoverError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return false;
  return !/timeout/i.test(error instanceof Error ? error.message : String(error));
}

function connectFailure(endpoint: Endpoint, failures: Failure[]): CutoverError {
  const last = failures.at(-1);
  if (!last) return new CutoverError('internal', `no connection attempt for ${describeEndpoint(endpoint)}`);
  const error = describeFailure(endpoint, last);
  const first = failures[0];
  if (failures.length < 2 || !first) return error;
  const earlier = `first attempt (${first.tls ? 'TLS' : 'without TLS'}): ${first.error instanceof Error ? first.error.message : String(first.error)}`;
  return new CutoverError(error.code, error.shortMessage, {
    cause: error.cause,
    message: `${error.message}\n${earlier}`,
    sqlState: error.sqlState,
    detail: error.detail,
    hint: error.hint,
  });
}

function describeFailure(endpoint: Endpoint, failure: Failure): CutoverError {
  const where = describeEndpoint(endpoint);
  const { error } = failure;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CutoverError) {
    return new CutoverError(error.code, `cannot connect to ${where}: ${error.shortMessage}`, { cause: error });
  }
  if (failure.tls && /does not support SSL/i.test(message)) {
    return new CutoverError('connect', `cannot connect to ${where}: the server does not accept TLS connections, and sslmode=${endpoint.sslmode} requires TLS`, {
      cause: error,
      hint: 'turn ssl on at the server, or connect with sslmode=prefer',
    });
  }
  // A server's error (it has a SQLSTATE) may mention SSL, as pg_hba.conf rejections do; it is not a TLS failure.
  if (failure.tls && !(error instanceof pg.DatabaseError) && isTlsError(error)) {
    return new CutoverError('connect', `cannot connect to ${where}: TLS with sslmode=${endpoint.sslmode} failed: ${message}`, {
      cause: error,
      hint: tlsHint(error),
    });
  }
  return connectionError(endpoint, error);
}

function isTlsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /CERT|SSL|TLS|OSSL|ISSUER|SIGNATURE|VERIFY/.test(code)) return true;
  return /SSL|TLS|certificate/i.test(error instanceof Error ? error.message : '');
}

function tlsHint(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "the server's certificate does not name this host: connect with a name it carries, or use sslmode=verify-ca";
  }
  if (typeof code === 'string' && /ISSUER|SELF_SIGNED|VERIFY|CERT_/.test(code)) {
    return "sslrootcert must hold the CA that signed the server's certificate";
  }
  return undefined;
}
