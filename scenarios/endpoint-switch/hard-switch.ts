import { type Endpoint, describeEndpoint } from '../../core/endpoint.js';
import type { EndpointSwitch } from './switch-types.js';
import { TcpProxy } from './tcp-proxy.js';

/**
 * The hard-cut switch: a TCP proxy in front of the target. `block()` cuts every session and
 * refuses new ones (clients see errors: an outage window), `repoint` and `resume` send new
 * sessions to the new server. Clients keep the target's credentials, so green must accept them.
 */
export async function openHardSwitch(o: { target: Endpoint; log?: (line: string) => void }): Promise<EndpointSwitch> {
  const proxy = new TcpProxy(o.target);
  await proxy.listen();
  let target = o.target;
  const log = o.log ?? (() => {});
  log(`endpoint switch (hard cut): 127.0.0.1:${proxy.port} -> ${describeEndpoint(target)}`);
  const close = () => proxy.close();
  return {
    style: 'hard',
    get target() {
      return target;
    },
    endpoint: (database?: string): Endpoint => ({ ...target, host: proxy.host, port: proxy.port, database: database ?? target.database }),
    async block() {
      const cut = proxy.connections;
      proxy.block();
      log(`endpoint switch: blocked (${cut} connection(s) cut)`);
    },
    async repoint(next: Endpoint) {
      target = next;
      proxy.repoint(next);
      log(`endpoint switch: now -> ${describeEndpoint(next)}`);
    },
    async resume() {
      proxy.resume();
      log('endpoint switch: resumed');
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
