import type { Endpoint } from '../../core/endpoint.js';
import { requestCancel } from './cancel-request.js';
import type { PooledConnection } from './pooled-connection.js';

/**
 * What happens to a connection whose statement outlived its attempt. First it is given `graceMs`
 * to finish on its own (a slow server usually answers soon after; cancelling every late statement
 * would add a connection, and a fork, per attempt exactly when the server is struggling). Then
 * the server is asked to cancel it (a statement stuck on a lock), and given `graceMs` more. Only
 * then is the socket cut (a frozen server). `done` receives whether the connection can be reused.
 */
export function retireConnection(endpoint: Endpoint, connection: PooledConnection, statement: Promise<unknown>, graceMs: number, done: (reusable: boolean) => void): void {
  let finished = false;
  let cancelling = false;
  void statement.then(
    () => cancelling || finish(true),
    () => cancelling || finish(!connection.dead),
  );
  const firstGrace = setTimeout(() => {
    if (finished) return;
    cancelling = true;
    const key = connection.cancelKey();
    if (!key) return finish(false);
    // The connection is reused only once the cancel has been delivered, so it cannot hit the next statement.
    const cancelled = requestCancel(endpoint, key.processId, key.secretKey, graceMs);
    const secondGrace = setTimeout(() => finish(false), graceMs);
    void Promise.allSettled([statement, cancelled]).then(() => {
      clearTimeout(secondGrace);
      finish(!connection.dead);
    });
  }, graceMs);

  function finish(reusable: boolean): void {
    if (finished) return;
    finished = true;
    clearTimeout(firstGrace);
    done(reusable);
  }
}
