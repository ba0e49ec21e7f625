import type { SqliteFile } from './sqlite-file.js';

/** SQLite's type affinity of a declared column type (https://sqlite.org/datatype3.html, 3.1). */
export type SqliteAffinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC';

export interface SqliteColumn {
  name: string;
  /** The declared type as written (`''` when none). */
  declared: string;
  affinity: SqliteAffinity;
  notNull: boolean;
  /** A generated column (computed from the others). */
  generated: boolean;
}

export interface SqliteTable {
  name: string;
  columns: SqliteColumn[];
  /** The primary key's columns in key order, else the first unique index on NOT NULL columns; empty: none. */
  key: string[];
  /** Declared `WITHOUT ROWID`. */
  withoutRowid: boolean;
  /** Declared `STRICT` (values must match the declared types, no affinity conversions). */
  strict: boolean;
}

/** A full-text index (FTS3/4/5 virtual table): rebuilt on the PostgreSQL side, never copied. */
export interface SqliteFullText {
  name: string;
  module: string;
  /** Its shadow tables (`<name>_data`, `_idx`, `_content`, …), excluded from the user tables. */
  shadowTables: string[];
}

export interface SqliteCatalog {
  /** User tables, in name order (no `sqlite_*`, no virtual or shadow tables). */
  tables: SqliteTable[];
  fullText: SqliteFullText[];
  /** Other virtual tables (rtree, a module not loaded here, …): named, not compared. */
  otherVirtual: { name: string; module: string }[];
}

/** The shadow tables each full-text module keeps beside its virtual table. */
const SHADOW_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  fts5: ['_data', '_idx', '_content', '_docsize', '_config'],
  fts4: ['_content', '_segments', '_segdir', '_docsize', '_stat'],
  fts3: ['_content', '_segments', '_segdir', '_docsize', '_stat'],
};

/** The affinity rules of sqlite.org/datatype3.html, in their order. */
export function affinityOf(declared: string): SqliteAffinity {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t === '' || t.includes('BLOB')) return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

interface SchemaRow {
  name: string;
  sql: string | null;
}

interface XInfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  pk: number;
  hidden: number;
}

/** Reads the file's tables, columns, keys and full-text indexes (read-only, through PRAGMAs). */
export function readSqliteCatalog(file: SqliteFile): SqliteCatalog {
  const { db } = file;
  const rows = db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as SchemaRow[];
  const fullText: SqliteFullText[] = [];
  const otherVirtual: { name: string; module: string }[] = [];
  const names = new Set(rows.map((r) => r.name));
  for (const r of rows) {
    const module = /^\s*CREATE\s+VIRTUAL\s+TABLE\s+.*?\bUSING\s+(\w+)/is.exec(r.sql ?? '')?.[1]?.toLowerCase();
    if (module === undefined) continue;
    const suffixes = SHADOW_SUFFIXES[module];
    if (suffixes) fullText.push({ name: r.name, module, shadowTables: suffixes.map((s) => `${r.name}${s}`).filter((n) => names.has(n)) });
    else otherVirtual.push({ name: r.name, module });
  }
  const notUser = new Set([...fullText.flatMap((f) => [f.name, ...f.shadowTables]), ...otherVirtual.map((v) => v.name)]);
  const tables = rows
    .filter((r) => !notUser.has(r.name))
    .map((r): SqliteTable => {
      const info = db.prepare(`PRAGMA table_xinfo(${quoteSqlite(r.name)})`).all() as XInfoRow[];
      const columns = info.map((c) => ({ name: c.name, declared: c.type, affinity: affinityOf(c.type), notNull: c.notnull === 1, generated: c.hidden === 2 || c.hidden === 3 }));
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const options = /\)\s*([\w\s,]*)$/s.exec(r.sql ?? '')?.[1]?.toUpperCase() ?? '';
      return { name: r.name, columns, key: pk.length > 0 ? pk : uniqueKey(file, r.name, columns), withoutRowid: /\bWITHOUT\s+ROWID\b/.test(options), strict: /\bSTRICT\b/.test(options) };
    });
  return { tables, fullText, otherVirtual };
}

/** The first unique index (not partial, no expression) whose columns are all NOT NULL. */
function uniqueKey(file: SqliteFile, table: string, columns: SqliteColumn[]): string[] {
  const notNull = new Set(columns.filter((c) => c.notNull).map((c) => c.name));
  const indexes = file.db.prepare(`PRAGMA index_list(${quoteSqlite(table)})`).all() as { name: string; unique: number; partial: number }[];
  for (const index of indexes) {
    if (index.unique !== 1 || index.partial === 1) continue;
    const cols = file.db.prepare(`PRAGMA index_info(${quoteSqlite(index.name)})`).all() as { seqno: number; name: string | null }[];
    const names = cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
    if (names.length > 0 && names.every((n): n is string => n !== null && notNull.has(n))) return names;
  }
  return [];
}

/** A SQLite identifier or string literal argument of a PRAGMA, quoted. */
export function quoteSqlite(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An index of a table, as `PRAGMA index_list` and `index_xinfo` describe it. */
export interface SqliteIndex {
  name: string;
  unique: boolean;
  /** Made by `CREATE INDEX`, or implied by a `UNIQUE` constraint or the primary key (`sqlite_autoindex_*`). */
  origin: 'index' | 'unique' | 'primary-key';
  /** Key columns in order; an expression is `(expression)`. */
  columns: string[];
  /** Has a `WHERE` clause. */
  partial: boolean;
}

/** A foreign key of a table (`PRAGMA foreign_key_list`): its columns and the parent's. */
export interface SqliteForeignKey {
  /** SQLite's id of the key within its table, as `PRAGMA foreign_key_check` names it. */
  id: number;
  /** The parent table. */
  table: string;
  from: string[];
  /** The parent's columns; empty when the key names none (the parent's primary key is meant). */
  to: string[];
  onDelete: string;
  onUpdate: string;
}

const INDEX_ORIGINS = { c: 'index', u: 'unique', pk: 'primary-key' } as const;

/** A table's indexes, in SQLite's order. */
export function readSqliteIndexes(file: SqliteFile, table: string): SqliteIndex[] {
  const list = file.db.prepare(`PRAGMA index_list(${quoteSqlite(table)})`).all() as { name: string; unique: number; origin: string; partial: number }[];
  return list.map((index) => {
    const columns = file.db.prepare(`PRAGMA index_xinfo(${quoteSqlite(index.name)})`).all() as { seqno: number; cid: number; name: string | null; key: number }[];
    return {
      name: index.name,
      unique: index.unique === 1,
      origin: INDEX_ORIGINS[index.origin as keyof typeof INDEX_ORIGINS] ?? 'index',
      columns: columns.filter((c) => c.key === 1).sort((a, b) => a.seqno - b.seqno).map((c) => c.name ?? '(expression)'),
      partial: index.partial === 1,
    };
  });
}

/** A table's foreign keys, by id. */
export function readSqliteForeignKeys(file: SqliteFile, table: string): SqliteForeignKey[] {
  const rows = file.db.prepare(`PRAGMA foreign_key_list(${quoteSqlite(table)})`).all() as { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }[];
  const byId = new Map<number, SqliteForeignKey>();
  for (const r of [...rows].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    const key = byId.get(r.id) ?? { id: r.id, table: r.table, from: [], to: [], onDelete: r.on_delete, onUpdate: r.on_update };
    key.from.push(r.from);
    if (r.to !== null) key.to.push(r.to);
    byId.set(r.id, key);
  }
  return [...byId.values()];
}

/** Each column's position in the declared primary key (1-based), 0 when not in it. */
export function readSqlitePrimaryKey(file: SqliteFile, table: string): Map<string, number> {
  const info = file.db.prepare(`PRAGMA table_xinfo(${quoteSqlite(table)})`).all() as XInfoRow[];
  return new Map(info.map((c) => [c.name, c.pk]));
}
