import { quoteSqlite, type SqliteTable } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import { firstRowRef } from './row-ref.js';
import type { SqliteMixedTypes } from './sqlite-snapshot.js';
import { expectedClasses, STORAGE_CLASSES, type StorageClass } from './storage-classes.js';

/** Counts computed by one scan. */
const PROBES_PER_SCAN = 1_000;

/**
 * Per column of a non-STRICT table, the values stored in a class its affinity would not give
 * them: one scan of the table counting every column at once, then one short search per column
 * that has some, for an example row. STRICT tables hold only their declared types: not scanned.
 */
export function readMixedTypes(file: SqliteFile, table: SqliteTable): Map<string, SqliteMixedTypes> {
  const found = new Map<string, SqliteMixedTypes>();
  if (table.strict) return found;
  const probes = table.columns.flatMap((column) => {
    const expected = column.generated ? undefined : expectedClasses(column);
    if (expected === undefined) return [];
    return STORAGE_CLASSES.filter((c) => !expected.includes(c)).map((storage) => ({ column, storage }));
  });
  if (probes.length === 0) return found;
  // SQLite allows 2,000 result columns by default: a very wide table takes more than one scan.
  for (let start = 0; start < probes.length; start += PROBES_PER_SCAN) {
    const batch = probes.slice(start, start + PROBES_PER_SCAN);
    const sums = batch.map((p, i) => `sum(typeof(${quoteSqlite(p.column.name)}) = '${p.storage}') AS m${i}`);
    const row = file.db.prepare(`SELECT ${sums.join(', ')} FROM ${quoteSqlite(table.name)}`).get() as Record<string, number | null>;
    batch.forEach((p, i) => {
      const n = row[`m${i}`] ?? 0;
      if (n === 0) return;
      const entry = found.get(p.column.name) ?? { counts: {}, total: 0 };
      entry.counts[p.storage] = n;
      entry.total += n;
      found.set(p.column.name, entry);
    });
  }
  for (const [name, entry] of found) {
    const classes = (Object.keys(entry.counts) as StorageClass[]).map((c) => `'${c}'`).join(', ');
    const example = firstRowRef(file, table, `typeof(${quoteSqlite(name)}) IN (${classes})`);
    if (example) entry.example = example;
  }
  return found;
}
