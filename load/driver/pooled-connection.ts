import type pg from 'pg';
import type { Endpoint } from '../../core/endpoint.js';
import type { ServerIdentity } from '../server-identity.js';
import { WireSession } from './wire-session.js';

/**
 * One connection of the driver's pool: the node-postgres client that opened it, and once it is
 * open, the wire session that carries the load's statements. `destroy` cuts the socket at once:
 * a connection a frozen server never answers cannot be ended politely.
 */
export class PooledConnection {
  dead = false;
  /** Why it died, when the server or the socket ended it. */
  deathCause: unknown;
  private wire: WireSession | undefined;

  constructor(
    readonly client: pg.Client,
    private readonly wireOptions: { unnamedStatements?: boolean } = {},
    /** The single host it is connected to (where a cancel request must go). */
    readonly endpoint?: Endpoint,
    /** Which server it is on, when that could be read. */
    readonly server?: ServerIdentity,
  ) {}

  /** Hands the open connection's socket to a wire session (after `client.connect()`). */
  open(): WireSession {
    this.wire = new WireSession(this.client, this.wireOptions);
    return this.wire;
  }

  get session(): WireSession {
    if (!this.wire) throw new Error('internal: the connection is not open');
    return this.wire;
  }

  /** The backend's process id and cancel key, known once the connection is established. */
  cancelKey(): { processId: number; secretKey: number } | undefined {
    const c = this.client as unknown as { processID: number | null; secretKey: number | null };
    return c.processID !== null && c.secretKey !== null ? { processId: c.processID, secretKey: c.secretKey } : undefined;
  }

  destroy(): void {
    this.dead = true;
    this.client.connection.stream.destroy();
  }

  /** Says goodbye (Terminate), cutting the socket if the server does not close it in time. */
  async end(timeoutMs: number): Promise<void> {
    if (this.wire) await this.wire.end(timeoutMs);
    else this.destroy();
    this.dead = true;
  }
}
