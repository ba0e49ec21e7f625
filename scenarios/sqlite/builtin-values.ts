import { formatMicros, type DatetimeEncoding, type SqliteValue } from '../../validate/sqlite-forms.js';
import type { ValueKind } from './column-mapping.js';

/** What a SQLite value is sent to PostgreSQL as: text for the type's input function, bytes for bytea, or NULL. */
export type PgParam = string | Buffer | null;

/** A value the loader cannot give its column's PostgreSQL type: the reason, for an error naming the row. */
export class UnloadableValue extends Error {}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DECIMAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** Julian day number of 1970-01-01 00:00 UTC. */
const UNIX_EPOCH_JULIAN_DAY = 2_440_587.5;
const TRUE_TEXTS = new Set(['t', 'true', '1', 'yes', 'y', 'on']);
const FALSE_TEXTS = new Set(['f', 'false', '0', 'no', 'n', 'off']);

const isBytes = (v: SqliteValue): v is Buffer | Uint8Array => v instanceof Uint8Array;
const describe = (v: SqliteValue): string => (isBytes(v) ? `a BLOB of ${v.length} bytes` : typeof v === 'string' ? `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : `the ${typeof v === 'bigint' ? 'integer' : 'real'} ${String(v)}`);
const nonFinite = (x: number): string => (Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity');

/**
 * One SQLite value (read with safe integers: INTEGER as bigint, REAL as number) as PostgreSQL's
 * input for a column of `kind`. Each reading is validate/sqlite-forms.ts's for the same type, so a
 * value loaded here compares equal there; numbers in a date or time column are read as `encoding`
 * and sent as UTC text. A value that form calls unreadable is refused here (UnloadableValue).
 */
export function toPgParam(kind: ValueKind, v: SqliteValue, encoding: DatetimeEncoding): PgParam {
  if (v === null) return null;
  switch (kind) {
    case 'integer':
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString();
      if (typeof v === 'string' && INTEGER_TEXT.test(v)) return BigInt(v.trim()).toString();
      throw new UnloadableValue(`${describe(v)} is not an integer`);
    case 'boolean':
      if (v === 0n || v === 0) return 'f';
      if (v === 1n || v === 1) return 't';
      if (typeof v === 'string' && TRUE_TEXTS.has(v.trim().toLowerCase())) return 't';
      if (typeof v === 'string' && FALSE_TEXTS.has(v.trim().toLowerCase())) return 'f';
      throw new UnloadableValue(`${describe(v)} is not a boolean (0 or 1)`);
    case 'float':
    case 'numeric':
      // A double's shortest round-trip digits: float8in reads back the same double.
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : nonFinite(v);
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'string' && DECIMAL_TEXT.test(v)) return v.trim();
      throw new UnloadableValue(`${describe(v)} is not a number`);
    case 'bytea':
      if (isBytes(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (typeof v === 'string') return Buffer.from(v, 'utf8');
      throw new UnloadableValue(`${describe(v)} is not bytes`);
    case 'uuid':
      if (isBytes(v) && v.length === 16) return Buffer.from(v).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
      if (typeof v === 'string') return v.trim();
      throw new UnloadableValue(`${describe(v)} is not a UUID`);
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      if (typeof v === 'string' && !DECIMAL_TEXT.test(v)) return v;
      if (isBytes(v)) throw new UnloadableValue(`${describe(v)} is not a date and time`);
      return timeOfNumber(Number(v), encoding, v);
    default:
      // text, json and anything else: the text itself; a number as its digits; a BLOB as UTF-8.
      return isBytes(v) ? Buffer.from(v).toString('utf8') : String(v);
  }
}

/** A number read as `encoding`, as a UTC text PostgreSQL reads exactly (to the microsecond, rounded as validation rounds). */
function timeOfNumber(n: number, encoding: DatetimeEncoding, v: SqliteValue): string {
  if (!Number.isFinite(n)) throw new UnloadableValue(`${describe(v)} is not a date and time`);
  const micros = encoding === 'unix-seconds' ? n * 1e6 : encoding === 'unix-ms' ? n * 1e3 : (n - UNIX_EPOCH_JULIAN_DAY) * 86_400e6;
  return `${formatMicros(BigInt(Math.round(micros)))}+00`;
}

/**
 * The SQL that turns an element of the batch's array (`x`, text or bytea) into the column's
 * value: a zone-less time text is UTC (the session's TimeZone), and a timestamp without zone or a
 * date is the UTC time's, as validation reads them.
 */
export function selectExpression(kind: ValueKind, baseType: string, x: string): string {
  if (kind === 'bytea') return x;
  if (kind === 'timestamptz') return `${x}::timestamptz`;
  if (kind === 'timestamp') return `(${x}::timestamptz AT TIME ZONE 'UTC')`;
  if (kind === 'date') return `(${x}::timestamptz AT TIME ZONE 'UTC')::date`;
  return `${x}::${baseType}`;
}

/** The array type a column's batch is sent as. */
export const arrayType = (kind: ValueKind): string => (kind === 'bytea' ? 'bytea[]' : 'text[]');
