import type { Endpoint } from '../../core/endpoint.js';

/** How a switchover moves clients: terminate and repoint, or pause through PgBouncer. */
export type SwitchoverStyle = 'hard' | 'pause';

/**
 * The one loopback address the load connects to during a local rehearsal (what DNS is for RDS).
 * A hard-cut switch is a TCP proxy; a pause switch is a real PgBouncer in front of the servers.
 */
export interface EndpointSwitch extends AsyncDisposable {
  readonly style: SwitchoverStyle;
  /** Where clients connect: the switch's own address, for `database` (credentials of the target). */
  endpoint(database?: string): Endpoint;
  /** The server the switch forwards to now. */
  readonly target: Endpoint;
  /**
   * Stops new work reaching the current target. Hard: existing client connections are cut and new
   * ones refused (clients see errors). Pause: PgBouncer PAUSE (in-flight transactions finish,
   * clients wait, no errors).
   */
  block(): Promise<void>;
  /** Points the switch at another server (while blocked). */
  repoint(target: Endpoint): Promise<void>;
  /** Lets clients through again, to the current target. */
  resume(): Promise<void>;
  /** Stops the switch; idempotent. */
  close(): Promise<void>;
}
