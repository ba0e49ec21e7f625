import type { SqliteFile } from '../../core/sqlite-file.js';
import { isCorruption, sqliteReason } from './sqlite-reason.js';

/** Problems kept from `PRAGMA integrity_check`; it stops looking after as many. */
export const INTEGRITY_MESSAGES = 100;

/** The line integrity_check puts before a schema's problems. */
const SCHEMA_HEADER = /^\*\*\* in database \S+ \*\*\*$/;

/**
 * The full `PRAGMA integrity_check` (every page, index and constraint, not the quick check):
 * ok, or its first problems one per line. A read SQLite itself stops as malformed is a problem too.
 */
export function readIntegrity(file: SqliteFile): { ok: boolean; messages: string[] } {
  let rows: string[];
  try {
    rows = file.db.prepare(`PRAGMA integrity_check(${INTEGRITY_MESSAGES})`).pluck().all() as string[];
  } catch (error) {
    if (isCorruption(error)) return { ok: false, messages: [sqliteReason(error)] };
    throw error;
  }
  if (rows.length === 1 && rows[0] === 'ok') return { ok: true, messages: [] };
  const messages = rows.flatMap((r) => r.split('\n')).filter((line) => line.trim() !== '' && !SCHEMA_HEADER.test(line));
  return { ok: false, messages: messages.slice(0, INTEGRITY_MESSAGES) };
}
