import type { ResolvedConfig } from '../core/config.js';

/** An expectation of a custom SQL check, as configured. */
export type Expectation = ResolvedConfig['custom'][number]['expect'];

/** What a custom query returned, as stored in a snapshot. */
export interface StoredResult {
  rowCount: number;
  /** The first rows, JSON-safe (dates as ISO strings, bytea as `\x…` hex). */
  rows: Record<string, unknown>[];
  /** More rows came back than were stored. */
  truncated: boolean;
}

export interface ExpectationOutcome {
  met: boolean;
  /** What the result was, in the terms of the expectation: `3 rows`, `42`. */
  got: string;
}

/**
 * Checks an expectation against a result:
 * - `empty` / `nonEmpty`: the row count.
 * - `{ equals: scalar }`: the first column of the first row (no row never equals).
 * - `{ equals: object }`: the result is exactly one row, equal to the object (column by column).
 * - `{ equals: array }`: the whole result: the rows as objects, or, when the result has one
 *   column and the array holds scalars, that column's values in order.
 * - `{ atMost: n }`: the single value when the result is one row of one numeric column (a
 *   `count(*)`), otherwise the row count.
 * Numbers compare by value whatever their JSON form (`bigint` and `numeric` arrive as strings).
 * A result longer than the stored rows is compared on its row count and its stored rows.
 */
export function checkExpectation(expect: Expectation, result: StoredResult): ExpectationOutcome {
  const count = `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}`;
  if (expect === 'empty') return { met: result.rowCount === 0, got: count };
  if (expect === 'nonEmpty') return { met: result.rowCount > 0, got: count };
  if ('atMost' in expect) {
    const single = singleNumber(result);
    if (single !== undefined) return { met: single <= expect.atMost, got: String(single) };
    return { met: result.rowCount <= expect.atMost, got: count };
  }
  const wanted = expect.equals;
  if (Array.isArray(wanted)) {
    const oneColumn = result.rows.every((r) => Object.keys(r).length === 1);
    const scalars = wanted.every((w) => typeof w !== 'object' || w === null);
    const actual = oneColumn && scalars ? result.rows.map((r) => Object.values(r)[0]) : result.rows;
    const met = result.rowCount === wanted.length && looseEqual(wanted.slice(0, actual.length), actual);
    return { met, got: `${count}: ${compactJson(actual)}` };
  }
  if (typeof wanted === 'object' && wanted !== null) {
    const row = result.rows[0];
    return { met: result.rowCount === 1 && looseEqual(wanted, row), got: result.rowCount === 1 ? compactJson(row) : count };
  }
  const first = result.rows[0] ? Object.values(result.rows[0])[0] : undefined;
  return { met: result.rowCount > 0 && looseEqual(wanted, first), got: result.rowCount > 0 ? compactJson(first) : 'no rows' };
}

const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

function singleNumber(result: StoredResult): number | undefined {
  if (result.rowCount !== 1) return undefined;
  const values = Object.values(result.rows[0] ?? {});
  if (values.length !== 1) return undefined;
  const value = values[0];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** Deep equality that lets a number equal its string form, as PostgreSQL's int8/numeric arrive. */
export function looseEqual(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'string') return NUMERIC.test(actual) && Number(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'number') return NUMERIC.test(expected) && Number(expected) === actual;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => looseEqual(e, actual[i]));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = Object.keys(e);
    return keys.length === Object.keys(a).length && keys.every((k) => k in a && looseEqual(e[k], a[k]));
  }
  return Object.is(expected, actual);
}

/** JSON, cut to `max` characters for a one-line message. */
export function compactJson(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A row value as plain JSON: dates as ISO strings, byte arrays as `\x` hex, bigints as strings. */
export function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}
