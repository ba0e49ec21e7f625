import { connect } from 'node:net';
import type { Endpoint } from '../../core/endpoint.js';

/**
 * Asks the server to cancel the statement a backend is running (the protocol's CancelRequest, on
 * a connection of its own, as libpq's PQcancel does). Resolves once the server has closed that
 * connection, which it does after signalling the backend, or after `timeoutMs` (a frozen server
 * never answers); never rejects: a cancel is a courtesy, the caller decides what happens next.
 */
export function requestCancel(endpoint: Endpoint, processId: number, secretKey: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = endpoint.host.startsWith('/')
      ? connect(`${endpoint.host}/.s.PGSQL.${endpoint.port}`)
      : connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () => {
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(80877102, 4); // the cancel request code: 1234 << 16 | 5678
      packet.writeInt32BE(processId, 8);
      packet.writeInt32BE(secretKey, 12);
      socket.end(packet);
    });
  });
}
