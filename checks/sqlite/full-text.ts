import { quoteSqlite, type SqliteFullText } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import type { SqliteSnapshotFullText } from './sqlite-snapshot.js';

/** `content=name`, `content='name'` or `content="name"` among a full-text table's arguments. */
const CONTENT_OPTION = /[(,]\s*content\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)"|([^\s,)]+))/i;

/** A full-text index's columns and, for an external-content index, the table it reads. */
export function describeFullText(file: SqliteFile, index: SqliteFullText): SqliteSnapshotFullText {
  const sql = (file.db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(index.name) as string | null | undefined) ?? '';
  const m = CONTENT_OPTION.exec(sql);
  const content = m ? (m[1]?.replaceAll("''", "'") ?? m[2]?.replaceAll('""', '"') ?? m[3] ?? '') : '';
  let columns: string[];
  try {
    columns = (file.db.prepare(`PRAGMA table_info(${quoteSqlite(index.name)})`).all() as { name: string }[]).map((c) => c.name);
  } catch {
    // The module is not compiled into this SQLite: the index is named, its columns unknown.
    columns = [];
  }
  return { name: index.name, module: index.module, columns, ...(content !== '' ? { contentTable: content } : {}), shadowTables: index.shadowTables };
}
