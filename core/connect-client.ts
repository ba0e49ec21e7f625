import pg from 'pg';
import { CutoverError } from './errors.js';
import { type Endpoint, describeEndpoint } from './endpoint.js';
import { tlsAttempts, toClientConfig } from './client-config.js';
import { connectionError } from './pg-errors.js';

/** Session settings for node-postgres: everything except where and how to connect. */
export type ClientSettings = Omit<pg.ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl' | 'connectionString'>;

interface Failure {
  tls: boolean;
  error: unknown;
}

/** Failures that a second attempt, with or without TLS, cannot cure: the server is not reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ENOENT']);

/**
 * Opens a node-postgres client with libpq's sslmode semantics, which node-postgres lacks:
 * `prefer` falls back to a plain connection when TLS fails or the server refuses it, `allow`
 * tries TLS when the server refuses a plain connection. Failures are one `CutoverError`
 * (`connect` or `auth`) naming the endpoint, never its password.
 */
export async function connectClient(endpoint: Endpoint, settings: ClientSettings = {}): Promise<pg.Client> {
  const failures: Failure[] = [];
  for (const ssl of tlsAttempts(endpoint)) {
    const client = new pg.Client({ ...settings, ...toClientConfig(endpoint, ssl) });
    // An idle connection that dies must not crash the process; the next query reports it.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      failures.push({ tls: ssl !== false, error });
      if (!worthAnotherAttempt(error)) break;
    }
  }
  throw connectFailure(endpoint, failures);
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
