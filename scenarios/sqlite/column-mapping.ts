import type { DatetimeEncoding } from '../../validate/sqlite-forms.js';

/** How one SQLite column was loaded: its declared type, the PostgreSQL type it got, and how numbers in it were read as times. */
export interface ColumnMapping {
  table: string;
  column: string;
  /** The declared type in the file, as written (`''` when none). */
  declared: string;
  /** The PostgreSQL type, as written in the CREATE TABLE. */
  pgType: string;
  /** For a date or timestamp column holding numbers: how they were read. */
  datetime?: DatetimeEncoding;
}

/** A per-column choice of the caller: a PostgreSQL type, and how numbers in a date or time column are encoded. */
export interface ColumnOverride {
  type?: string;
  datetime?: DatetimeEncoding;
}

/**
 * What the loader does with a column's values: each kind reads SQLite's storage classes as
 * validate/sqlite-forms.ts's form of the same PostgreSQL type does (builtin-values.ts), so that
 * the loaded data validates equal.
 */
export type ValueKind = 'integer' | 'boolean' | 'float' | 'numeric' | 'text' | 'bytea' | 'uuid' | 'json' | 'date' | 'timestamp' | 'timestamptz' | 'other';

/**
 * The PostgreSQL type of a SQLite declared type: the declared type carries the application's
 * intent (a BOOLEAN holds 0/1, a DATETIME holds ISO text or numbers), not SQLite's affinity
 * (which would make both numbers). Precision and length are dropped: SQLite never enforced them,
 * so a `VARCHAR(20)` may hold 30 characters and a `DECIMAL(5,2)` three decimals.
 */
export function pgTypeOfDeclared(declared: string): string {
  const t = declared.toUpperCase().replace(/\(.*$/s, '').trim();
  const words = t.split(/\s+/);
  if (t.includes('BOOL')) return 'boolean';
  if (t.includes('DATETIME') || words[0] === 'TIMESTAMP' || t === 'TIMESTAMPTZ') return 'timestamp with time zone';
  if (t === 'DATE') return 'date';
  if (t === 'JSON' || t === 'JSONB') return 'jsonb';
  if (t === 'UUID' || t === 'GUID') return 'uuid';
  // SQLite's affinity rule reads INT anywhere (POINT, INTERVAL): here only integer types are.
  if (/INT/.test(t) && !/POINT|INTERVAL/.test(t)) return 'bigint';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'double precision';
  if (t.includes('NUMERIC') || t.includes('DECIMAL') || t === 'NUMBER') return 'numeric';
  if (t.includes('BLOB') || t === 'BYTEA') return 'bytea';
  return 'text';
}

/** The kind of a PostgreSQL type name (format_type's spelling, a length or precision allowed). */
export function valueKind(pgType: string): ValueKind {
  const t = pgType.toLowerCase().replace(/\(.*?\)/g, '').replace(/\s+/g, ' ').trim();
  if (['smallint', 'integer', 'bigint', 'int', 'int2', 'int4', 'int8'].includes(t)) return 'integer';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (['double precision', 'real', 'float4', 'float8'].includes(t)) return 'float';
  if (t === 'numeric' || t === 'decimal') return 'numeric';
  if (['text', 'character varying', 'varchar', 'character', 'char', 'name', 'citext'].includes(t)) return 'text';
  if (t === 'bytea') return 'bytea';
  if (t === 'uuid') return 'uuid';
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t === 'date') return 'date';
  if (t === 'timestamp' || t === 'timestamp without time zone') return 'timestamp';
  if (t === 'timestamptz' || t === 'timestamp with time zone') return 'timestamptz';
  return 'other';
}

/** Kinds whose SQLite numbers are times in an encoding (the `datetime` option of validateSqlite). */
export const DATETIME_KINDS: ReadonlySet<ValueKind> = new Set(['date', 'timestamp', 'timestamptz']);

/**
 * A type given by the caller, checked before it is written into SQL: a name (words, digits,
 * underscores, dots), an optional `(n)` or `(p, s)`, optional `[]`. Whether PostgreSQL knows it
 * is asked of the server (to_regtype).
 */
export function safeTypeName(type: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_ .]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$/.test(type.trim()) && !/\s{2,}|\.\./.test(type.trim());
}
