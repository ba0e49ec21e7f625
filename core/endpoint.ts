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
}

export function publicEndpoint(e: Endpoint): PublicEndpoint {
  return { host: e.host, port: e.port, database: e.database, user: e.user, sslmode: e.sslmode };
}

/** `user@host:port/database`, for terminal lines and reports. */
export function describeEndpoint(e: Endpoint | PublicEndpoint): string {
  const host = e.host.includes(':') && !e.host.startsWith('/') ? `[${e.host}]` : e.host;
  return `${e.user}@${host}:${e.port}/${e.database}`;
}

/** A copy of the endpoint pointing at another database of the same server. */
export function withDatabase(e: Endpoint, database: string): Endpoint {
  return { ...e, database };
}
