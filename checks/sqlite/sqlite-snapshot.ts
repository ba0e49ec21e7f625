import { readFile, writeFile } from 'node:fs/promises';
import { CutoverError } from '../../core/errors.js';
import type { SqliteAffinity, SqliteForeignKey, SqliteIndex } from '../../core/sqlite-catalog.js';
import type { StorageClass } from './storage-classes.js';

/** Bumped whenever the shape of a SQLite snapshot changes incompatibly. */
export const SQLITE_SNAPSHOT_SCHEMA_VERSION = 1;

/** The ids of the SQLite suite's checks, in the order they run. */
export const SQLITE_CHECK_IDS = ['sqlite/schema', 'sqlite/integrity', 'sqlite/row-counts', 'sqlite/foreign-keys', 'sqlite/affinity'] as const;
export type SqliteCheckId = (typeof SQLITE_CHECK_IDS)[number];

/** A row of a SQLite table: its rowid (a string past 2^53), or its primary key for a `WITHOUT ROWID` table. */
export type SqliteRowRef = { rowid: number | string } | { key: Record<string, string | number | null> };

/** Values of a column whose storage class its affinity would not give them (non-STRICT tables only). */
export interface SqliteMixedTypes {
  /** Values per unexpected storage class, e.g. `{ text: 3 }`: exact. */
  counts: Partial<Record<StorageClass, number>>;
  total: number;
  /** The first such row found; absent when the table's rowid is hidden behind columns of that name. */
  example?: SqliteRowRef;
}

/** A column as `PRAGMA table_xinfo` declares it, with the values stored against its affinity. */
export interface SqliteSnapshotColumn {
  name: string;
  /** The declared type as written (`''` when none). */
  declared: string;
  affinity: SqliteAffinity;
  notNull: boolean;
  /** Position in the declared primary key (1-based), 0 when not in it. */
  primaryKey: number;
  generated: boolean;
  mixedTypes?: SqliteMixedTypes;
}

/** A user table: its shape, its exact row count, its indexes and foreign keys. */
export interface SqliteSnapshotTable {
  name: string;
  withoutRowid: boolean;
  strict: boolean;
  /** Exact (`count(*)`); 0 when `countError` says the table could not be read. */
  rows: number;
  /** Why `count(*)` failed (SQLite's code and message): a damaged file, which the integrity check reports too. */
  countError?: string;
  /** The columns rows are matched by (primary key, else a unique index on NOT NULL columns); empty: none. */
  key: string[];
  columns: SqliteSnapshotColumn[];
  indexes: SqliteIndex[];
  foreignKeys: SqliteForeignKey[];
}

/** A full-text index (FTS3/4/5): rebuilt in PostgreSQL, never copied. */
export interface SqliteSnapshotFullText {
  name: string;
  module: string;
  columns: string[];
  /** The table an external-content index reads (`content='…'`). */
  contentTable?: string;
  shadowTables: string[];
}

/** What `PRAGMA foreign_key_check` found: rows whose parent row is missing. */
export interface SqliteForeignKeyViolations {
  /** Exact, over every table. */
  count: number;
  /** Per child table and foreign key, with the first rowids (none for a `WITHOUT ROWID` child). */
  byTable: { table: string; parent: string; foreignKey: number; count: number; rowids: (number | string)[] }[];
  /** Tables whose keys SQLite could not check (e.g. "foreign key mismatch"). */
  notChecked: { table: string; reason: string }[];
}

/** How one check of the suite went: it looked (`ok`, whatever it found), or could not (`error`, with SQLite's reason). */
export interface SqliteCheckOutcome {
  status: 'ok' | 'error';
  durationMs: number;
  reason?: string;
}

/** What `cutover check --db sqlite:PATH` writes: one SQLite file at one moment, read in one read transaction. */
export interface SqliteSnapshot {
  kind: 'sqlite';
  schemaVersion: number;
  tool: { name: 'cutover'; version: string };
  /** Absolute path of the file. */
  file: string;
  sqliteVersion: string;
  takenAt: string;
  durationMs: number;
  sizeBytes: number;
  pageSize: number;
  pageCount: number;
  journalMode: string;
  encoding: string;
  /** `PRAGMA user_version`: where many apps keep their schema version. */
  userVersion: number;
  checks: Record<SqliteCheckId, SqliteCheckOutcome>;
  tables: SqliteSnapshotTable[];
  fullText: SqliteSnapshotFullText[];
  otherVirtual: { name: string; module: string }[];
  /**
   * `PRAGMA integrity_check`: ok, or its first problems (the file is damaged). Not ok with no
   * messages: it could not run, and `checks['sqlite/integrity']` says why.
   */
  integrity: { ok: boolean; messages: string[] };
  foreignKeyViolations: SqliteForeignKeyViolations;
}

/** Writes a SQLite snapshot as indented JSON. */
export async function writeSqliteSnapshot(path: string, snapshot: SqliteSnapshot): Promise<void> {
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** Reads a SQLite snapshot file, refusing anything that is not one of this schema version (`input`, exit 2). */
export async function readSqliteSnapshot(path: string): Promise<SqliteSnapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CutoverError('input', `${path}: cannot read SQLite snapshot (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CutoverError('input', `${path}: not a SQLite snapshot: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const s = parsed as Partial<SqliteSnapshot> | null;
  if (typeof s !== 'object' || s === null || s.kind !== 'sqlite') throw new CutoverError('input', `${path}: not a SQLite snapshot (expected "kind": "sqlite")`);
  if (s.schemaVersion !== SQLITE_SNAPSHOT_SCHEMA_VERSION) {
    throw new CutoverError('input', `${path}: SQLite snapshot schema version ${String(s.schemaVersion)} is not supported (expected ${SQLITE_SNAPSHOT_SCHEMA_VERSION}); take it again with this version of cutover`);
  }
  if (!Array.isArray(s.tables) || typeof s.integrity !== 'object' || typeof s.foreignKeyViolations !== 'object' || typeof s.checks !== 'object') {
    throw new CutoverError('input', `${path}: malformed SQLite snapshot: "tables", "checks", "integrity" and "foreignKeyViolations" are required`);
  }
  return s as SqliteSnapshot;
}

/** The file is damaged: integrity_check ran and reported problems. */
export function isDamaged(snapshot: Pick<SqliteSnapshot, 'integrity'>): boolean {
  return !snapshot.integrity.ok && snapshot.integrity.messages.length > 0;
}
