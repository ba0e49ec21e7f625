import pg from 'pg';
import { CutoverError } from './errors.js';
import { type Endpoint, type HostAddress, type TargetSessionAttrs, describeEndpoint, describeHost, endpointForHost, endpointHosts } from './endpoint.js';
import { type ReportedParameters, TARGET_NOUN, forcesReadOnly, targetMismatch, targetPasses } from './session-target.js';
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
 *
 * Several hosts (`host=a,b`, `postgresql://a:1,b:2/db`) are tried as libpq tries them, and
 * `target_session_attrs` is checked on each (see connectFirstMatching); `connectedHost` says
 * which host a client settled on. When none matches, the error names every host and its reason.
 */
export async function connectClient(endpoint: Endpoint, settings: ClientSettings = {}, options: ConnectOptions = {}): Promise<pg.Client> {
  const target = endpoint.targetSessionAttrs ?? 'any';
  const hosts = endpointHosts(endpoint);
  const only = hosts[0];
  if (hosts.length === 1 && only && target === 'any') {
    const client = await connectHost(endpointForHost(endpoint, only), settings, options.signal, new Map());
    settledHosts.set(client, { host: only.host, port: only.port });
    return client;
  }
  if ((target === 'read-write' || target === 'read-only') && forcesReadOnly(settings.options)) {
    // cutover's checks make their own sessions read-only at startup, which libpq's check would
    // take for a read-only server: the host is chosen on a plain session, then connected to.
    const { options: _readOnly, ...plain } = settings;
    void _readOnly;
    const chooser = await connectClient(endpoint, plain, options);
    const chosen = connectedHost(chooser);
    await chooser.end().catch(() => {});
    const host = hosts.find((h) => h.host === chosen?.host && h.port === chosen.port) ?? chosen ?? only;
    if (!host) throw new CutoverError('internal', `no host to connect to in ${describeEndpoint(endpoint)}`);
    const client = await connectClient({ ...endpointForHost(endpoint, host), targetSessionAttrs: 'any' }, settings, options);
    settledHosts.set(client, { host: host.host, port: host.port });
    return client;
  }
  return connectFirstMatching(endpoint, hosts, target, settings, options.signal);
}

/** Where each client made by `connectClient` settled: one of its endpoint's hosts. */
const settledHosts = new WeakMap<pg.Client, { host: string; port: number }>();

/**
 * The host and port (as the endpoint names them) a client of `connectClient` is connected to:
 * with several hosts, the one that matched `target_session_attrs`. Undefined for other clients.
 */
export function connectedHost(client: pg.Client): { host: string; port: number } | undefined {
  return settledHosts.get(client);
}

interface Refusal {
  host: HostAddress;
  reason: string;
  error: unknown;
  /** The server was reached and was not what target_session_attrs asks for. */
  mismatch: boolean;
}

/**
 * libpq's host loop: each host in order (shuffled once with load_balance_hosts=random), each with
 * the sslmode attempts and its own connect_timeout, then libpq's check of the session against the
 * target; a host that does not match is closed and the next one tried. prefer-standby makes a
 * second pass accepting any server when no standby answered.
 */
async function connectFirstMatching(endpoint: Endpoint, hosts: HostAddress[], target: TargetSessionAttrs, settings: ClientSettings, signal: AbortSignal | undefined): Promise<pg.Client> {
  const order = endpoint.loadBalanceHosts === 'random' ? shuffled(hosts) : hosts;
  const checkTimeoutMs = Number(settings.connectionTimeoutMillis ?? endpoint.connectTimeoutMs ?? 10_000);
  let refusals: Refusal[] = [];
  for (const pass of targetPasses(target)) {
    refusals = [];
    for (const host of order) {
      if (signal?.aborted) throw abandoned(endpoint, refusals.at(-1)?.error);
      const reported: ReportedParameters = new Map();
      let client: pg.Client;
      try {
        client = await connectHost(endpointForHost(endpoint, host), settings, signal, reported);
      } catch (error) {
        if (error instanceof CutoverError && error.code === 'interrupted') throw abandoned(endpoint, error);
        refusals.push({ host, reason: refusalReason(error), error, mismatch: false });
        continue;
      }
      let mismatch: string | undefined;
      const cut = () => client.connection.stream.destroy();
      signal?.addEventListener('abort', cut, { once: true });
      const timer = checkTimeoutMs > 0 ? setTimeout(cut, checkTimeoutMs) : undefined;
      try {
        mismatch = await targetMismatch(client, reported, pass);
      } catch (error) {
        client.connection.stream.destroy();
        if (signal?.aborted) throw abandoned(endpoint, error);
        refusals.push({ host, reason: `checking target_session_attrs failed: ${error instanceof Error ? error.message : String(error)}`, error, mismatch: false });
        continue;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', cut);
      }
      if (mismatch === undefined) {
        settledHosts.set(client, { host: host.host, port: host.port });
        return client;
      }
      await client.end().catch(() => {});
      refusals.push({ host, reason: mismatch, error: undefined, mismatch: true });
    }
  }
  throw noHostMatched(endpoint, target, refusals);
}

/** One host: the sslmode attempts libpq makes, in order (see connectClient). */
async function connectHost(endpoint: Endpoint, settings: ClientSettings, signal: AbortSignal | undefined, reported: ReportedParameters): Promise<pg.Client> {
  const failures: Failure[] = [];
  for (const ssl of tlsAttempts(endpoint)) {
    if (signal?.aborted) break;
    const client = new pg.Client({ ...toClientConfig(endpoint, ssl), ...settings });
    // An idle connection that dies must not crash the process; the next query reports it.
    client.on('error', () => {});
    reported.clear();
    client.connection.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => reported.set(m.parameterName, m.parameterValue));
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
  if (signal?.aborted) throw abandoned(endpoint, failures.at(-1)?.error);
  throw connectFailure(endpoint, failures);
}

function abandoned(endpoint: Endpoint, cause: unknown): CutoverError {
  return new CutoverError('interrupted', `connecting to ${describeEndpoint(endpoint)} was abandoned`, { cause });
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A host's failure in a few words: "connection refused", "timeout expired", the server's message. */
function refusalReason(error: unknown): string {
  const cause = connectFailureCause(error) as { code?: unknown; message?: unknown; errors?: unknown[] } | undefined;
  const inner = cause instanceof AggregateError ? (cause.errors[0] as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : inner?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ETIMEDOUT' || /timeout/i.test(typeof cause?.message === 'string' ? cause.message : '')) return 'timeout expired';
  if (error instanceof CutoverError) return error.shortMessage.replace(/^cannot connect to \S+: /, '');
  return error instanceof Error ? error.message : String(error);
}

/**
 * No host matched: one error naming every host and why each was refused. Its cause is what the
 * soak classifies the failure by: a "read-only" refusal (SQLSTATE 25006) when a read-write or
 * primary server was asked for and a server answered without being one (a failover under way),
 * else the last host's own failure.
 */
function noHostMatched(endpoint: Endpoint, target: TargetSessionAttrs, refusals: Refusal[]): CutoverError {
  const only = refusals.length === 1 ? refusals[0] : undefined;
  if (only && !only.mismatch && only.error instanceof CutoverError && endpointHosts(endpoint).length === 1) return only.error;
  const where = describeEndpoint(endpoint) + (target === 'any' ? '' : ` with target_session_attrs=${target}`);
  const list = refusals.map((r) => `${describeHost(r.host)}: ${r.reason}`).join('; ');
  const what = target === 'any' ? 'no host accepted the connection' : `no host is a ${TARGET_NOUN[target]}`;
  const auth = refusals.length > 0 && refusals.every((r) => r.error instanceof CutoverError && r.error.code === 'auth');
  const wantsWriter = target === 'read-write' || target === 'primary';
  const mismatched = refusals.find((r) => r.mismatch);
  const cause = wantsWriter && mismatched ? Object.assign(new Error(`no writable server: ${mismatched.reason}`), { code: '25006' }) : refusals.at(-1)?.error;
  return new CutoverError(auth ? 'auth' : 'connect', `cannot connect to ${where}: ${what} (${list})`, { cause });
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
