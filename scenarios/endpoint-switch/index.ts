import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import { openHardSwitch } from './hard-switch.js';
import { openPauseSwitch } from './pause-switch.js';
import type { EndpointSwitch, SwitchoverStyle } from './switch-types.js';

export type { EndpointSwitch, SwitchoverStyle } from './switch-types.js';
export { TcpProxy } from './tcp-proxy.js';

export interface OpenEndpointSwitchOptions {
  /** `hard`: a TCP proxy that cuts sessions; `pause`: a real PgBouncer (PAUSE, repoint, RESUME). */
  style: SwitchoverStyle;
  /** The server clients reach first (blue). */
  target: Endpoint;
  /** The pgbouncer binary (pause style); default the lab's. */
  pgbouncerPath?: string;
  /** Databases clients may name besides the target's and `postgres` (pause style: PgBouncer lists each). */
  databases?: readonly string[];
  log?: (line: string) => void;
}

/** Opens the one loopback address the load connects to, in front of `target`. */
export function openEndpointSwitch(o: OpenEndpointSwitchOptions): Promise<EndpointSwitch> {
  switch (o.style) {
    case 'hard':
      return openHardSwitch(o);
    case 'pause':
      return openPauseSwitch(o);
    default:
      throw new CutoverError('usage', `switchover: expected "hard" or "pause", got "${String(o.style)}"`);
  }
}
