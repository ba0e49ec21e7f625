/**
 * A PostgreSQL endpoint, resolved the way libpq resolves one. The password is held in memory
 * only: `describeEndpoint` and `publicEndpoint` never include it.
 */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

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
