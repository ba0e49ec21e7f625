import { quoteSqlite } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import { exactInteger } from './row-ref.js';
import type { SqliteForeignKeyViolations } from './sqlite-snapshot.js';
import { sqliteReason } from './sqlite-reason.js';

/** Rowids kept per table and key; the counts are exact. */
export const VIOLATION_ROWIDS = 10;

interface ViolationRow {
  table: string;
  rowid: bigint | null;
  parent: string;
  fkid: bigint;
}

/**
 * `PRAGMA foreign_key_check`, table by table (so that one table SQLite cannot check, e.g. a key
 * on parent columns without a unique index, does not hide the others): rows whose parent row is
 * missing, whether or not the app ever turned `foreign_keys` on.
 */
export function readForeignKeyViolations(file: SqliteFile, tables: readonly { name: string; foreignKeys: readonly unknown[] }[], signal?: AbortSignal): SqliteForeignKeyViolations {
  const result: SqliteForeignKeyViolations = { count: 0, byTable: [], notChecked: [] };
  for (const table of tables) {
    if (table.foreignKeys.length === 0) continue;
    signal?.throwIfAborted();
    const groups = new Map<number, SqliteForeignKeyViolations['byTable'][number]>();
    try {
      for (const row of file.db.prepare(`PRAGMA foreign_key_check(${quoteSqlite(table.name)})`).safeIntegers(true).iterate() as IterableIterator<ViolationRow>) {
        const id = Number(row.fkid);
        const group = groups.get(id) ?? { table: row.table, parent: row.parent, foreignKey: id, count: 0, rowids: [] };
        group.count++;
        if (row.rowid !== null && group.rowids.length < VIOLATION_ROWIDS) group.rowids.push(exactInteger(row.rowid));
        groups.set(id, group);
      }
    } catch (error) {
      result.notChecked.push({ table: table.name, reason: sqliteReason(error) });
      continue;
    }
    for (const group of [...groups.values()].sort((a, b) => a.foreignKey - b.foreignKey)) {
      result.byTable.push(group);
      result.count += group.count;
    }
  }
  return result;
}
