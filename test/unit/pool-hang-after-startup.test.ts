import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, type PoolWaiter } from '../../load/driver/connection-pool.js';
import type { AcquireFailure } from '../../load/driver/acquire-failure.js';

/**
 * A server that completes the startup handshake (AuthenticationOk, BackendKeyData, ReadyForQuery)
 * and then never answers: what a client sees when the network is cut, or the server frozen, just
 * after a connection is established.
 */
function silentAfterStartup(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => {
      const auth = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
      const key = Buffer.alloc(13);
      key.write('K', 0);
      key.writeInt32BE(12, 1);
      key.writeInt32BE(4242, 5);
      key.writeInt32BE(7, 9);
      const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
      socket.write(Buffer.concat([auth, key, ready]));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, sockets })));
}

describe('the pool when a new connection hangs after its startup', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('fails the waiter as a timeout, not as a reset (regression: cutting the silent connection read as "Connection terminated")', async () => {
    const { server, port, sockets } = await silentAfterStartup();
    const pool = new ConnectionPool({
      endpoint: { host: '127.0.0.1', port, database: 'postgres', user: 'postgres', password: 'x', sslmode: 'disable' },
      size: 1,
      applicationName: 'hang-test',
      connectTimeoutMs: 200,
      unnamedStatements: 'auto',
    });
    cleanup = async () => {
      await pool.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    };
    const failure = await new Promise<AcquireFailure>((resolve, reject) => {
      const waiter: PoolWaiter = {
        deadline: performance.now() + 2_000,
        served: false,
        queuedAt: 0,
        granted: () => reject(new Error('a silent server granted a connection')),
        refused: resolve,
      };
      pool.acquire(waiter);
    });
    expect(failure.errorClass).toBe('timeout');
    expect(pool.stats()).toMatchObject({ open: 0, failedConnects: 1 });
  });
});
