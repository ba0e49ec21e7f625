import type pg from 'pg';
import { connectedHost } from '../core/connect-client.js';
import { describeHost } from '../core/endpoint.js';

/**
 * Which server a connection is on, read once right after it opens: the host it settled on (as the
 * endpoint names it) and what the server says of itself. Behind a proxy or a pooler the two differ;
 * the server's own address is what tells blue from green, or the old primary from the new one.
 */
export interface ServerIdentity {
  /** `host:port` the connection was made to (one of the endpoint's hosts). */
  connectedTo: string;
  /** `inet_server_addr():inet_server_port()`; null over a Unix socket. */
  server: string | null;
  /** `pg_is_in_recovery()` when the connection opened. */
  inRecovery: boolean;
}

/** One statement: the backend's pid (a pooler's is not the one announced) and the identity. */
export const IDENTITY_SQL =
  'SELECT pg_backend_pid() AS pid, host(inet_server_addr()) AS addr, inet_server_port() AS port, pg_is_in_recovery() AS recovery';

export interface IdentityRow {
  pid: number;
  addr: string | null;
  port: number | null;
  recovery: boolean;
}

/** The identity from IDENTITY_SQL's row and the host the connection settled on. */
export function serverIdentity(client: pg.Client, row: IdentityRow | undefined): ServerIdentity {
  const settled = connectedHost(client);
  const connectedTo = settled ? describeHost(settled) : 'unknown';
  const server = row?.addr && row.port ? describeHost({ host: row.addr, port: row.port }) : null;
  return { connectedTo, server, inRecovery: row?.recovery === true };
}

/** The name the timeline counts a server by: its own address when known, else the one connected to. */
export function serverKey(identity: ServerIdentity): string {
  return identity.server ?? identity.connectedTo;
}
