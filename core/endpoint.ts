/**
 * A PostgreSQL endpoint, resolved the way libpq resolves one. The password is held in memory
 * only: `describeEndpoint` and `publicEndpoint` never include it.
 */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** libpq's `target_session_attrs`: which of several hosts a connection settles on. */
export type TargetSessionAttrs = 'any' | 'read-write' | 'read-only' | 'primary' | 'standby' | 'prefer-standby';

/** libpq's `load_balance_hosts` (PostgreSQL 16+): try the hosts in order, or in a random order. */
export type LoadBalanceHosts = 'disable' | 'random';

/** One host of a multi-host connection string. */
export interface HostAddress {
  host: string;
  port: number;
  /**
   * This host's password when the password file gave one (libpq looks each host up on its own);
   * absent when the password was given (it then serves every host). Never serialised.
   */
  password?: string;
}

export interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Never serialised. */
  password?: string;
  sslmode: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  connectTimeoutMs?: number;
  /**
   * Every host libpq would try, in order, when the string named more than one (`host=a,b,c`,
   * `postgresql://a:5432,b:5433/db`); `host`/`port` are the first of them. Absent for one host.
   */
  hosts?: HostAddress[];
  /** Default `any`. */
  targetSessionAttrs?: TargetSessionAttrs;
  /** Default `disable`. */
  loadBalanceHosts?: LoadBalanceHosts;
}

/** What may be written to a snapshot, a log or a report. */
export interface PublicEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
  /** Every host, in order, when there are several (no password). */
  hosts?: { host: string; port: number }[];
  targetSessionAttrs?: TargetSessionAttrs;
  loadBalanceHosts?: LoadBalanceHosts;
}

/** Explicit options, highest precedence; each overrides the URI, which overrides PG* variables. */
export interface EndpointOptions {
  url?: string;
  /** How errors name where the URL came from, e.g. `--db`. Default `url`. */
  urlLabel?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  /** 0 waits without limit. */
  connectTimeoutMs?: number;
  /** The libpq password file; default `PGPASSFILE`, then `~/.pgpass`. */
  passfile?: string;
  targetSessionAttrs?: TargetSessionAttrs;
  loadBalanceHosts?: LoadBalanceHosts;
}

export function publicEndpoint(e: Endpoint): PublicEndpoint {
  const out: PublicEndpoint = { host: e.host, port: e.port, database: e.database, user: e.user, sslmode: e.sslmode };
  if (e.hosts && e.hosts.length > 1) out.hosts = e.hosts.map((h) => ({ host: h.host, port: h.port }));
  if (e.targetSessionAttrs) out.targetSessionAttrs = e.targetSessionAttrs;
  if (e.loadBalanceHosts) out.loadBalanceHosts = e.loadBalanceHosts;
  return out;
}

/** Every host an endpoint names, in order (one for a single-host endpoint). */
export function endpointHosts(e: Endpoint | PublicEndpoint): HostAddress[] {
  return e.hosts && e.hosts.length > 0 ? e.hosts : [{ host: e.host, port: e.port }];
}

/** `host:port` (`[::1]:5432` for an IPv6 address), as messages and the timeline name one server. */
export function describeHost(h: { host: string; port: number }): string {
  const host = h.host.includes(':') && !h.host.startsWith('/') ? `[${h.host}]` : h.host;
  return `${host}:${h.port}`;
}

/** `user@host:port/database` (`user@a:1,b:2/database` for several hosts), for terminal lines and reports. */
export function describeEndpoint(e: Endpoint | PublicEndpoint): string {
  return `${e.user}@${endpointHosts(e).map(describeHost).join(',')}/${e.database}`;
}

/** The endpoint of one of its hosts (the one a connection settled on), single-host. */
export function endpointForHost(e: Endpoint, h: HostAddress): Endpoint {
  const { hosts, targetSessionAttrs, loadBalanceHosts, ...rest } = e;
  void targetSessionAttrs;
  void loadBalanceHosts;
  // Per-host passwords come from the password file; without them the endpoint's serves every host.
  const perHost = hosts?.some((x) => x.password !== undefined) ?? false;
  const password = perHost ? h.password : e.password;
  const out: Endpoint = { ...rest, host: h.host, port: h.port };
  if (password) out.password = password;
  else delete out.password;
  return out;
}

/** A copy of the endpoint pointing at another database of the same server. */
export function withDatabase(e: Endpoint, database: string): Endpoint {
  return { ...e, database };
}
