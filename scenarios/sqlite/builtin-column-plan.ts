import { CutoverError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { quoteSqlite, type SqliteCatalog, type SqliteTable } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import type { DatetimeEncoding } from '../../validate/sqlite-forms.js';
import { DATETIME_KINDS, pgTypeOfDeclared, safeTypeName, valueKind, type ColumnMapping, type ColumnOverride } from './column-mapping.js';
import { defaultSql } from './builtin-defaults.js';
import type { LoadColumn } from './builtin-table-load.js';

const ENCODINGS: readonly DatetimeEncoding[] = ['unix-seconds', 'unix-ms', 'julian-day'];

/**
 * Checks the caller's per-column choices against the file before anything is written: each key
 * names a `table.column` of the file, each type is a plain type name, each encoding one of three.
 * Every problem is listed at once.
 */
export function checkOverrides(catalog: SqliteCatalog, columns: Readonly<Record<string, ColumnOverride>>, label: string): void {
  const known = new Set(catalog.tables.flatMap((t) => t.columns.filter((c) => !c.generated).map((c) => `${t.name}.${c.name}`)));
  const problems: string[] = [];
  for (const [key, o] of Object.entries(columns)) {
    if (!known.has(key)) problems.push(`${label}["${key}"]: no such column in the file (expected TABLE.COLUMN of a table it holds)`);
    if (o.type !== undefined && !safeTypeName(o.type)) problems.push(`${label}["${key}"].type: expected a PostgreSQL type name such as "text" or "numeric(12,2)", got ${JSON.stringify(o.type)}`);
    if (o.datetime !== undefined && !ENCODINGS.includes(o.datetime)) problems.push(`${label}["${key}"].datetime: expected ${ENCODINGS.join('|')}, got ${JSON.stringify(o.datetime)}`);
  }
  if (problems.length > 0) throw new CutoverError('usage', problems[0]!, { problems, message: problems.join('\n') });
}

/** Each overriding type's name without length or precision, as the server spells it; an unknown type is a usage error. */
export async function resolveOverrideTypes(pg: Session, columns: Readonly<Record<string, ColumnOverride>>, label: string): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  for (const [key, o] of Object.entries(columns)) {
    if (o.type === undefined) continue;
    // A name PostgreSQL cannot even parse fails the query (SQLSTATE 42601): that too is "no such type".
    const [row] = await pg.query<{ base: string | null }>('SELECT format_type(to_regtype($1), NULL) AS base', [o.type.trim()]).catch((error: unknown) => {
      if (error instanceof CutoverError && error.sqlState?.startsWith('42')) return [{ base: null }];
      throw error;
    });
    if (!row?.base) throw new CutoverError('usage', `${label}["${key}"].type: PostgreSQL has no type ${JSON.stringify(o.type)}`);
    resolved.set(o.type, row.base);
  }
  return resolved;
}

export interface ColumnPlan {
  columns: LoadColumn[];
  mapping: ColumnMapping[];
}

/**
 * The PostgreSQL columns of a table: each column's type from its declared type or the caller's,
 * and, for a date or time column, how its numbers are read. Whether a column holds numbers is
 * read from the file (typeof of its non-null values), so an ISO-text column is not given an
 * encoding it does not use; numbers default to unix seconds.
 */
export function planColumns(file: SqliteFile, table: SqliteTable, columns: Readonly<Record<string, ColumnOverride>>, resolved: ReadonlyMap<string, string>, log: (line: string) => void): ColumnPlan {
  const plan: ColumnPlan = { columns: [], mapping: [] };
  const defaults = new Map((file.db.prepare(`PRAGMA table_xinfo(${quoteSqlite(table.name)})`).all() as { name: string; dflt_value: string | null }[]).map((c) => [c.name, c.dflt_value]));
  for (const c of table.columns) {
    if (c.generated) {
      log(`${table.name}.${c.name}: a generated column, not copied (its expression is SQLite SQL)`);
      continue;
    }
    const override = columns[`${table.name}.${c.name}`];
    const ddlType = override?.type?.trim() ?? pgTypeOfDeclared(c.declared);
    const baseType = override?.type ? (resolved.get(override.type) ?? ddlType) : ddlType;
    const kind = valueKind(baseType);
    const encoding = override?.datetime ?? 'unix-seconds';
    const mapping: ColumnMapping = { table: table.name, column: c.name, declared: c.declared, pgType: ddlType };
    if (DATETIME_KINDS.has(kind)) {
      const survey = file.db
        .prepare(`SELECT count(*) FILTER (WHERE typeof(${quoteSqlite(c.name)}) IN ('integer', 'real')) AS numbers, max(abs(${quoteSqlite(c.name)})) FILTER (WHERE typeof(${quoteSqlite(c.name)}) IN ('integer', 'real')) AS biggest FROM ${quoteSqlite(table.name)}`)
        .get() as { numbers: number; biggest: number | null };
      if (survey.numbers > 0 || override?.datetime) mapping.datetime = encoding;
      if (survey.numbers > 0 && !override?.datetime && (survey.biggest ?? 0) > 1e11) {
        log(`${table.name}.${c.name}: numbers up to ${survey.biggest} read as unix seconds (past the year 5000): if they are milliseconds, say so with datetime: 'unix-ms'`);
      }
    }
    const column: LoadColumn = { name: c.name, ddlType, baseType, kind, encoding, notNull: c.notNull };
    const dflt = defaults.get(c.name);
    if (dflt !== null && dflt !== undefined) {
      const d = defaultSql(dflt, kind, baseType, encoding);
      if ('sql' in d) column.default = d.sql;
      else log(`${table.name}.${c.name}: default not carried over: ${d.skipped}`);
    }
    plan.columns.push(column);
    plan.mapping.push(mapping);
  }
  return plan;
}
