import { describeEndpoint, type ErrorInfo, type PublicEndpoint } from '../core/index.js';

/** A value as shown in a difference: its text (NULL is null), cut when long. */
export interface ShownValue {
  text: string | null;
  /** The full length in characters, when `text` was cut. */
  length?: number;
}

/** A row present on one side only, by its key (column name → text). */
export interface KeyedRow {
  key: Record<string, string | null>;
}

/** A row whose key is on both sides and whose values are not all the same. */
export interface ChangedRow {
  key: Record<string, string | null>;
  columns: { column: string; source: ShownValue; target: ShownValue }[];
}

/** A distinct row of a table without a key, present a different number of times on each side. */
export interface MultisetRow {
  values: Record<string, ShownValue>;
  sourceCount: number;
  targetCount: number;
}

/**
 * One table's comparison. `equal`: same rows; `different`: rows (or columns) differ; `missing`:
 * the table is on one side only; `error`: it could not be compared (the reason says why).
 */
export interface TableResult {
  table: string;
  schema: string;
  name: string;
  status: 'equal' | 'different' | 'missing' | 'error';
  /** Key columns; empty for a table compared as a multiset (differences not localised to keys). */
  key: string[];
  localised: boolean;
  sourceRows?: number;
  targetRows?: number;
  /** Exact counts: rows on the source only, on the target only, with the same key but other values. */
  missing: number;
  extra: number;
  changed: number;
  /** The first differences of each kind (up to the cap); the counts above are always exact. */
  missingRows: KeyedRow[];
  extraRows: KeyedRow[];
  changedRows: ChangedRow[];
  /** For a table without a key: the distinct rows whose multiplicity differs (up to the cap). */
  multisetRows: MultisetRow[];
  /** Remarks on the comparison; from a SQLite file, one `type lost` note per column whose declared intent PostgreSQL lost (validate/sqlite-plan.ts). */
  notes: string[];
  reason?: string;
  error?: ErrorInfo;
  /** Buckets compared at the first level, and how many differed. */
  buckets?: { total: number; differing: number };
  durationMs: number;
}

export interface ValidationSummary {
  tables: number;
  equal: number;
  different: number;
  missing: number;
  errors: number;
  sourceRows: number;
  targetRows: number;
  missingRows: number;
  extraRows: number;
  changedRows: number;
}

/** One side of a validation: a PostgreSQL server, or a SQLite file (`engine: 'sqlite'`, `file` its path, `version` SQLite's). */
export type ValidationSide = { endpoint: PublicEndpoint; version: string; engine?: 'postgresql' } | { engine: 'sqlite'; file: string; version: string };

/** `PostgreSQL 17.11` / `SQLite 3.53.2`, and where: for headers and summaries. */
export function sideEngine(side: ValidationSide): string {
  return `${side.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${side.version}`;
}

/** Where a side is: the server's endpoint (no password) or the file's path. */
export function sidePlace(side: ValidationSide): string {
  return side.engine === 'sqlite' ? side.file : describeEndpoint(side.endpoint);
}

/** A whole `cutover validate`: both sides, every table, the totals. */
export interface ValidationResult {
  source: ValidationSide;
  target: ValidationSide;
  startedAt: string;
  durationMs: number;
  tables: TableResult[];
  summary: ValidationSummary;
  /** Why the run stopped before the last table (a server gone, Ctrl-C): the results are partial. */
  stopped?: ErrorInfo;
  /** What holds for the whole validation rather than one table (a SQLite file's full-text indexes, rebuilt and not compared). */
  notes?: string[];
  /**
   * `equal`: nothing differs; `different`: something does; `incomplete`: the run stopped, or
   * nothing differs but a table could not be compared.
   */
  outcome: 'equal' | 'different' | 'incomplete';
}

/** A table's result with nothing found yet: zero counts, empty lists; the caller sets what it knows. */
export function tableResult(o: Pick<TableResult, 'schema' | 'name' | 'status' | 'key' | 'localised'> & Partial<TableResult>): TableResult {
  return {
    table: `${o.schema}.${o.name}`,
    missing: 0,
    extra: 0,
    changed: 0,
    missingRows: [],
    extraRows: [],
    changedRows: [],
    multisetRows: [],
    notes: [],
    durationMs: 0,
    ...o,
  };
}

/** The totals of a validation's tables. */
export function summariseTables(tables: readonly TableResult[]): ValidationSummary {
  const count = (status: TableResult['status']): number => tables.filter((t) => t.status === status).length;
  const sum = (f: (t: TableResult) => number | undefined): number => tables.reduce((n, t) => n + (f(t) ?? 0), 0);
  return {
    tables: tables.length,
    equal: count('equal'),
    different: count('different'),
    missing: count('missing'),
    errors: count('error'),
    sourceRows: sum((t) => t.sourceRows),
    targetRows: sum((t) => t.targetRows),
    missingRows: sum((t) => t.missing),
    extraRows: sum((t) => t.extra),
    changedRows: sum((t) => t.changed),
  };
}

/** A row's key for people: `id=42, region=eu` (NULL spelled out). */
export function keyText(key: Record<string, string | null>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : v}`)
    .join(', ');
}
