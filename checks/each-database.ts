import { errorLine } from '../core/errors.js';
import type { Session } from '../core/session.js';
import type { CheckContext } from './define-check.js';

/** A database a per-database check could not open, and why (kept in the data, never thrown). */
export interface UninspectedDatabase {
  database: string;
  reason: string;
}

export interface PerDatabase<T> {
  /** One entry per database that could be opened, in name order. */
  inspected: { database: string; value: T }[];
  uninspected: UninspectedDatabase[];
}

/**
 * Runs `look` on a read-only session to every connectable database. A database that refuses
 * the connection (CONNECT revoked, pg_hba) is listed as uninspected instead of failing the check:
 * the suite aborts on connection errors, which must stay reserved for the main endpoint.
 * Errors from `look` itself propagate (the check could not look).
 */
export async function forEachDatabase<T>(
  ctx: CheckContext,
  look: (session: Session, database: string) => Promise<T>,
): Promise<PerDatabase<T>> {
  const result: PerDatabase<T> = { inspected: [], uninspected: [] };
  for (const database of await ctx.databases()) {
    let session: Session;
    try {
      session = await ctx.connect(database);
    } catch (error) {
      result.uninspected.push({ database, reason: errorLine(error) || 'cannot connect' });
      continue;
    }
    result.inspected.push({ database, value: await look(session, database) });
  }
  return result;
}
