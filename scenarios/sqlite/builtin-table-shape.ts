import { quoteSqlite, type SqliteTable } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';

/** An index of the file, as PostgreSQL can recreate it, or the reason it cannot. */
export interface SqliteIndexShape {
  name: string;
  unique: boolean;
  /** `pk` (the primary key's), `u` (a UNIQUE constraint's), `c` (CREATE INDEX). */
  origin: string;
  columns: { name: string; desc: boolean }[];
  /** Why it is not recreated (an expression or a partial index: SQLite's SQL is not PostgreSQL's). */
  skipped?: string;
}

export interface SqliteForeignKeyShape {
  parent: string;
  from: string[];
  /** The parent's columns; empty: its primary key. */
  to: string[];
  onUpdate: string;
  onDelete: string;
}

/** What the loader needs of a table beyond the catalog: its indexes, foreign keys and rowid alias. */
export interface SqliteTableShape {
  /** The PRIMARY KEY's columns in key order (empty: none declared). */
  primaryKey: string[];
  /** The INTEGER PRIMARY KEY column (an alias of the rowid: SQLite numbers new rows in it). */
  rowidAlias?: string;
  indexes: SqliteIndexShape[];
  foreignKeys: SqliteForeignKeyShape[];
  /** The highest number AUTOINCREMENT handed out (sqlite_sequence), when it keeps one. */
  autoincrementSeq?: bigint;
}

interface IndexListRow {
  name: string;
  unique: number;
  origin: string;
  partial: number;
}

interface IndexXInfoRow {
  seqno: number;
  cid: number;
  name: string | null;
  desc: number;
  key: number;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
  on_update: string;
  on_delete: string;
}

/** Reads a table's indexes, foreign keys and rowid alias through PRAGMAs (read-only). */
export function readTableShape(file: SqliteFile, table: SqliteTable): SqliteTableShape {
  const { db } = file;
  const q = quoteSqlite(table.name);
  const info = db.prepare(`PRAGMA table_xinfo(${q})`).all() as { name: string; type: string; pk: number }[];
  const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const shape: SqliteTableShape = { primaryKey: pk.map((c) => c.name), indexes: [], foreignKeys: [] };
  if (!table.withoutRowid && pk.length === 1 && pk[0]!.type.toUpperCase() === 'INTEGER') shape.rowidAlias = pk[0]!.name;

  for (const index of db.prepare(`PRAGMA index_list(${q})`).all() as IndexListRow[]) {
    const cols = (db.prepare(`PRAGMA index_xinfo(${quoteSqlite(index.name)})`).all() as IndexXInfoRow[]).filter((c) => c.key === 1).sort((a, b) => a.seqno - b.seqno);
    const entry: SqliteIndexShape = { name: index.name, unique: index.unique === 1, origin: index.origin, columns: cols.map((c) => ({ name: c.name ?? '', desc: c.desc === 1 })) };
    if (index.partial === 1) entry.skipped = 'a partial index (its WHERE is SQLite SQL)';
    else if (cols.some((c) => c.cid < 0 || c.name === null)) entry.skipped = 'an index on an expression (SQLite SQL)';
    shape.indexes.push(entry);
  }

  // SQLite numbers a table's foreign keys last declared first: read in declaration order.
  const fks = new Map<number, SqliteForeignKeyShape>();
  for (const fk of (db.prepare(`PRAGMA foreign_key_list(${q})`).all() as ForeignKeyRow[]).sort((a, b) => b.id - a.id || a.seq - b.seq)) {
    let entry = fks.get(fk.id);
    if (!entry) fks.set(fk.id, (entry = { parent: fk.table, from: [], to: [], onUpdate: fk.on_update, onDelete: fk.on_delete }));
    entry.from.push(fk.from);
    if (fk.to !== null) entry.to.push(fk.to);
  }
  shape.foreignKeys = [...fks.values()].map((f) => (f.to.length === f.from.length ? f : { ...f, to: [] }));

  const hasSequence = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'`).get() !== undefined;
  if (shape.rowidAlias && hasSequence) {
    const row = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').safeIntegers(true).get(table.name) as { seq: bigint | null } | undefined;
    if (row?.seq !== undefined && row.seq !== null) shape.autoincrementSeq = row.seq;
  }
  return shape;
}
