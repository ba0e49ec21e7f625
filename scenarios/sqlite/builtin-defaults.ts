import type { DatetimeEncoding, SqliteValue } from '../../validate/sqlite-forms.js';
import { quoteLiteral } from '../upgrade/sql-literal.js';
import type { ValueKind } from './column-mapping.js';
import { selectExpression, toPgParam } from './builtin-values.js';

/** A column's DEFAULT in PostgreSQL's SQL, or why it is not carried over. */
export type DefaultSql = { sql: string } | { skipped: string };

/** SQLite's current date and time keywords: UTC texts `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`, `HH:MM:SS`. */
const NOW_KEYWORDS: Readonly<Record<string, string>> = { CURRENT_TIMESTAMP: 'YYYY-MM-DD HH24:MI:SS', CURRENT_DATE: 'YYYY-MM-DD', CURRENT_TIME: 'HH24:MI:SS' };

/**
 * The DEFAULT of a column (PRAGMA table_xinfo's `dflt_value`, SQLite SQL) as PostgreSQL SQL, so
 * the application can keep inserting rows without naming every column: a literal (a number, a
 * string, NULL, TRUE or FALSE) read as the column's values are, or SQLite's CURRENT_TIMESTAMP,
 * CURRENT_DATE and CURRENT_TIME. Any other expression is SQLite SQL and is not carried over.
 */
export function defaultSql(dflt: string, kind: ValueKind, baseType: string, encoding: DatetimeEncoding): DefaultSql {
  const text = unwrap(dflt.trim());
  const keyword = text.toUpperCase();
  const now = NOW_KEYWORDS[keyword];
  if (now !== undefined) {
    if (kind === 'timestamptz') return keyword === 'CURRENT_TIMESTAMP' ? { sql: 'now()' } : { skipped: `${keyword} in a ${baseType} column` };
    if (kind === 'timestamp') return keyword === 'CURRENT_TIMESTAMP' ? { sql: `(now() AT TIME ZONE 'UTC')` } : { skipped: `${keyword} in a ${baseType} column` };
    if (kind === 'date') return keyword === 'CURRENT_DATE' ? { sql: `((now() AT TIME ZONE 'UTC')::date)` } : { skipped: `${keyword} in a ${baseType} column` };
    if (kind === 'text') return { sql: `to_char(now() AT TIME ZONE 'UTC', '${now}')` };
    return { skipped: `${keyword} in a ${baseType} column` };
  }
  const value = literal(text);
  if (value === undefined) return { skipped: `the expression ${dflt} is SQLite SQL` };
  if (value === null) return { sql: 'NULL' };
  try {
    const param = toPgParam(kind, value, encoding);
    if (param === null) return { sql: 'NULL' };
    const lit = typeof param === 'string' ? quoteLiteral(param) : `'\\x${param.toString('hex')}'`;
    return { sql: kind === 'bytea' ? `${lit}::bytea` : selectExpression(kind, baseType, lit) };
  } catch (error) {
    return { skipped: `${dflt}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** `(x)` as `x`, as often as it is wrapped. */
function unwrap(text: string): string {
  let t = text;
  while (/^\(.*\)$/s.test(t)) t = t.slice(1, -1).trim();
  return t;
}

/** A literal of SQLite SQL as the value SQLite stores; undefined when it is an expression. */
function literal(text: string): SqliteValue | undefined {
  if (/^[+-]?\d+$/.test(text)) return BigInt(text);
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^'(?:[^']|'')*'$/s.test(text)) return text.slice(1, -1).replaceAll("''", "'");
  if (/^x'([0-9a-f]{2})*'$/i.test(text)) return Buffer.from(text.slice(2, -1), 'hex');
  const word = text.toUpperCase();
  if (word === 'NULL') return null;
  if (word === 'TRUE') return 1n;
  if (word === 'FALSE') return 0n;
  return undefined;
}
