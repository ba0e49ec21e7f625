import type { ErrorInfo } from '../core/errors.js';

/** One SQLite table's row counts on both sides. */
export interface MigrationTableCount {
  /** The PostgreSQL table, `schema.name` (as data findings name it). */
  table: string;
  /** The table's name in the SQLite file. */
  sqliteTable: string;
  sqliteRows: number | null;
  /** Null when the table is not on the target (then it counts as 0 rows in `mismatchPct`) or was not counted. */
  postgresRows: number | null;
  /** |sqlite − postgres| / max(sqlite, 1) × 100; null when a side could not be counted. */
  mismatchPct: number | null;
  /** `validation`: the counts of validateSqlite's result; `count`: count(*) on both sides here. */
  countedBy: 'validation' | 'count';
  /** The table is not in the target schema. */
  absentOnTarget?: boolean;
  error?: ErrorInfo;
}

/** One foreign key checked on the target: orphan rows (child columns all non-null, no parent row). */
export interface MigrationForeignKey {
  /** The child table on PostgreSQL, `schema.name`. */
  table: string;
  /** The constraint's name for a target constraint; the child columns (`a,b`) for one declared in the SQLite file. */
  name: string;
  /** `sqlite`: declared in the file (`PRAGMA foreign_key_list`); `target-not-valid`: a target constraint with convalidated = false. */
  origin: 'sqlite' | 'target-not-valid';
  columns: string[];
  /** The parent table on PostgreSQL, `schema.name`. */
  references: string;
  referencedColumns: string[];
  /** Exact count of orphan rows; null when the check could not run. */
  orphans: number | null;
  /** The first orphan rows (up to 10), ordered: the child's primary key columns, then the foreign key's. */
  orphanKeys: Record<string, string | null>[];
  error?: ErrorInfo;
}

/** One column that must hold no NULL on the target. */
export interface MigrationRequiredColumn {
  /** `schema.name` on PostgreSQL. */
  table: string;
  column: string;
  /** `sqlite-not-null`: declared NOT NULL in the file; `spec`: listed in the spec's `required`. */
  origin: 'sqlite-not-null' | 'spec';
  /** Rows where the column IS NULL on the target; null when not counted (see `error`). */
  nulls: number | null;
  error?: ErrorInfo;
}

/** Timings of one side of a query, milliseconds (performance.now(), microsecond resolution). */
export interface MigrationTimings {
  /** Timed runs that completed (the warm-up run is not counted). */
  runs: number;
  /** Median of the timed runs, ms; null when none completed. */
  medianMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Rows the query returned (last run). */
  rows: number | null;
  error?: ErrorInfo;
}

/** One named query timed on both sides. */
export interface MigrationQuery {
  name: string;
  sqlite: MigrationTimings;
  postgres: MigrationTimings;
  /** PostgreSQL's median / SQLite's; null when either is missing or SQLite's is 0. */
  ratio: number | null;
  /** `EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT)` of the PostgreSQL query, as the server printed it. */
  explain?: string;
  explainError?: ErrorInfo;
}

/** One search run once on each side, its ids (first column, as text) compared. */
export interface MigrationSearch {
  name: string;
  k: number;
  /** |A ∩ B| / |A ∪ B| over all ids returned (1 when both are empty); null when a side failed. */
  overlap: number | null;
  /** |A ∩ B| and |A ∪ B|, the ids taken as sets. */
  shared: number;
  union: number;
  /** |top-k(A) ∩ top-k(B)| / k', k' = the larger of the two top-k lists (1 when both are empty). */
  topKAgreement: number | null;
  /** Positions among the first k where both sides have the same id, / k'. */
  rankAgreement: number | null;
  /** Ids returned in all. */
  sqliteCount: number;
  postgresCount: number;
  /** The first k ids of each side, in rank order. */
  sqliteTopK: string[];
  postgresTopK: string[];
  sqliteError?: ErrorInfo;
  postgresError?: ErrorInfo;
}

/** Corruption on either side: the matrix's "roll back at once". */
export interface MigrationIntegrity {
  /** `PRAGMA quick_check` of the file: ok (null when it could not run), and its first problems. */
  sqlite: { ok: boolean | null; problems: string[]; error?: ErrorInfo };
  /** Whether the target cluster has data checksums, and the database's checksum failures (null without checksums). */
  postgres: { checksums: boolean | null; checksumFailures: number | null; error?: ErrorInfo };
}

/** What the migration checks measured: JSON, so a report can be re-rendered from it. */
export interface MigrationResult {
  tables: MigrationTableCount[];
  foreignKeys: MigrationForeignKey[];
  required: MigrationRequiredColumn[];
  queries: MigrationQuery[];
  search: MigrationSearch[];
  /** Absent from results of before the corruption checks. */
  integrity?: MigrationIntegrity;
  durationMs: number;
}
