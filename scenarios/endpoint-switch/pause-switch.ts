import { type Endpoint, describeEndpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import { findLab } from '../providers/lab-installations.js';
import { PgBouncerProcess } from './pgbouncer-process.js';
import type { EndpointSwitch } from './switch-types.js';

/** Longest wait for PAUSE, which waits for every transaction in progress to end. */
const PAUSE_TIMEOUT_MS = 60_000;

/**
 * The pause switch: a real PgBouncer (transaction pooling) in front of the target. `block()` is
 * PAUSE (in-flight transactions finish, then clients wait: a stall, not errors), `repoint`
 * rewrites the [databases] entries and RELOADs, `resume()` is RESUME. Clients keep the
 * credentials they logged in with; PgBouncer logs in to each server with that server's own.
 */
export async function openPauseSwitch(o: { target: Endpoint; pgbouncerPath?: string; databases?: readonly string[]; log?: (line: string) => void }): Promise<EndpointSwitch> {
  const binary = o.pgbouncerPath ?? findLab()?.pgbouncer();
  if (!binary) {
    throw new CutoverError('usage', 'switchover "pause": expected a PgBouncer binary (pgbouncerPath, or CUTOVER_LAB_PGBOUNCER from the upgrade lab: scripts/lab.sh), got none');
  }
  const databases = [...new Set([o.target.database, 'postgres', ...(o.databases ?? [])])];
  const bouncer = await PgBouncerProcess.start({ binary, target: o.target, databases });
  const log = o.log ?? (() => {});
  log(`endpoint switch (pause, PgBouncer): 127.0.0.1:${bouncer.port} -> ${describeEndpoint(o.target)}`);
  const clientLogin = { user: o.target.user, password: o.target.password };
  let target = o.target;
  let paused = false;
  const close = () => bouncer.close();
  return {
    style: 'pause',
    get target() {
      return target;
    },
    endpoint(database?: string): Endpoint {
      const db = database ?? o.target.database;
      if (!databases.includes(db)) {
        throw new CutoverError('usage', `endpoint switch: expected one of the databases PgBouncer forwards (${databases.join(', ')}), got "${db}"`);
      }
      return { ...o.target, ...clientLogin, host: '127.0.0.1', port: bouncer.port, database: db };
    },
    async block() {
      try {
        await bouncer.admin('PAUSE', PAUSE_TIMEOUT_MS);
      } catch (error) {
        // A transaction that never ends keeps PAUSE waiting: give the clients back and say why.
        await bouncer.admin('RESUME').catch(() => {});
        throw new CutoverError('query', `endpoint switch: PgBouncer PAUSE did not complete within ${PAUSE_TIMEOUT_MS / 1000} s (a client transaction still open?); resumed`, { cause: error });
      }
      paused = true;
      log('endpoint switch: PgBouncer paused');
    },
    async repoint(next: Endpoint) {
      await bouncer.retarget(next);
      target = next;
      log(`endpoint switch: now -> ${describeEndpoint(next)}`);
    },
    async resume() {
      if (!paused) return;
      await bouncer.admin('RESUME');
      paused = false;
      log('endpoint switch: PgBouncer resumed');
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
