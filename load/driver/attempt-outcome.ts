import pg from 'pg';
import type { AttemptOutcomeKind } from '../ledger-types.js';
import { NOT_QUERYABLE } from './wire-session.js';

/**
 * SQLSTATEs after which the server ends the session: the statement may have committed before
 * the message was sent (in the extended protocol the commit comes after CommandComplete).
 */
const SESSION_ENDING = /^(08|57P0|XX)/;

/**
 * How a query that was sent and then failed ended, as the ledger needs it. A statement error
 * (severity ERROR: a constraint, a read-only transaction, a cancelled statement) aborts the
 * transaction, so the write is certainly not committed. A fatal error or a dead connection leaves
 * it unknown. A query node-postgres refused to send (the client already knew the socket was dead)
 * never reached the server.
 */
export function failedQueryOutcome(error: unknown): { outcome: Exclude<AttemptOutcomeKind, 'ok'>; connectionUsable: boolean } {
  if (error instanceof pg.DatabaseError) {
    const fatal = error.severity === 'FATAL' || error.severity === 'PANIC' || SESSION_ENDING.test(error.code ?? '');
    return fatal ? { outcome: 'unknown', connectionUsable: false } : { outcome: 'error', connectionUsable: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (message === NOT_QUERYABLE) return { outcome: 'error', connectionUsable: false };
  return { outcome: 'unknown', connectionUsable: false };
}
