import { quoteSqlite, type SqliteColumn, type SqliteTable } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import type { SqliteRowRef } from './sqlite-snapshot.js';

/** An integer read with `safeIntegers`, as JSON keeps it exactly: a number up to 2^53, else a string. */
export function exactInteger(value: bigint | number): number | string {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** A key value as JSON keeps it: integers exact, a BLOB as `x'…'` hex. */
export function jsonKeyValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint' || typeof value === 'number') return exactInteger(value);
  if (Buffer.isBuffer(value)) return `x'${value.toString('hex')}'`;
  return String(value);
}

/**
 * How to select a row's rowid in a table: `rowid`, or `_rowid_` or `oid` when a column takes the
 * name; undefined when every alias is a column's (or there is no rowid).
 */
export function rowidName(columns: readonly Pick<SqliteColumn, 'name'>[], withoutRowid: boolean): string | undefined {
  if (withoutRowid) return undefined;
  const taken = new Set(columns.map((c) => c.name.toLowerCase()));
  return ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n));
}

/**
 * The first row matching `where` (SQL over the table's columns), named by its rowid, or by its
 * primary key in a `WITHOUT ROWID` table; undefined when none matches or the rowid cannot be named.
 */
export function firstRowRef(file: SqliteFile, table: Pick<SqliteTable, 'name' | 'columns' | 'withoutRowid' | 'key'>, where: string): SqliteRowRef | undefined {
  const rowid = rowidName(table.columns, table.withoutRowid);
  const selected = rowid !== undefined ? `${rowid} AS r` : table.key.map(quoteSqlite).join(', ');
  if (selected === '') return undefined;
  const row = file.db.prepare(`SELECT ${selected} FROM ${quoteSqlite(table.name)} WHERE ${where} LIMIT 1`).safeIntegers(true).get() as Record<string, unknown> | undefined;
  if (row === undefined) return undefined;
  if (rowid !== undefined) return { rowid: exactInteger(row.r as bigint) };
  return { key: Object.fromEntries(table.key.map((k) => [k, jsonKeyValue(row[k])])) };
}
