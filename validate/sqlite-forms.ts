/**
 * Portable text forms: one text per value that PostgreSQL computes in SQL and Node computes from
 * a SQLite value, so that a SQLite file and a PostgreSQL database can be compared row by row (a
 * row's digest is then `hashtextextended` of its forms, validate/pg-hash.ts, on both sides). One
 * form per PostgreSQL column family (validate/canonical.ts's families), each with its SQL and its
 * reading of SQLite's storage classes (INTEGER as bigint, REAL as number, TEXT, BLOB, NULL).
 * A SQLite value that has no such form (a text 'abc' in an INTEGER column) is `unreadable`, and
 * one that had to be read through SQLite's type affinity (a text '42' in an INTEGER column) is
 * marked `coerced`: both are reported, never dropped.
 */

import { jsonbText } from './jsonb-text.js';

export type SqliteValue = null | bigint | number | string | Buffer | Uint8Array;

export type FormResult = { text: string | null; coerced?: string } | { unreadable: string };

/** How numbers in a SQLite column are read for a PostgreSQL timestamp, timestamptz or date column (texts are ISO 8601). */
export type DatetimeEncoding = 'unix-seconds' | 'unix-ms' | 'julian-day';

export interface PortableForm {
  family: string;
  /** PostgreSQL's text of `x` (an SQL expression). */
  pgSql(x: string): string;
  fromSqlite(v: SqliteValue): FormResult;
}

const ok = (text: string | null, coerced?: string): FormResult => (coerced ? { text, coerced } : { text });
const bad = (why: string): FormResult => ({ unreadable: why });
const isBytes = (v: SqliteValue): v is Buffer | Uint8Array => v instanceof Uint8Array;
const describe = (v: SqliteValue): string => (isBytes(v) ? `a BLOB of ${v.length} bytes` : typeof v === 'string' ? `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : `the ${typeof v === 'bigint' ? 'integer' : 'real'} ${String(v)}`);

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DECIMAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function integerForm(): PortableForm {
  return {
    family: 'integer',
    pgSql: (x) => `((${x})::int8)::text`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      if (typeof v === 'bigint') return ok(v.toString());
      if (typeof v === 'number') return Number.isInteger(v) ? ok(BigInt(v).toString(), 'a REAL with an integer value') : bad(`${describe(v)} is not an integer`);
      if (typeof v === 'string' && INTEGER_TEXT.test(v)) return ok(BigInt(v.trim()).toString(), 'a TEXT holding an integer');
      return bad(`${describe(v)} is not an integer`);
    },
  };
}

function booleanForm(): PortableForm {
  return {
    family: 'boolean',
    pgSql: (x) => `CASE WHEN (${x}) THEN 't' WHEN NOT (${x}) THEN 'f' END`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      if (v === 0n || v === 0) return ok('f');
      if (v === 1n || v === 1) return ok('t');
      if (typeof v === 'string') {
        const t = v.trim().toLowerCase();
        if (['t', 'true', '1', 'yes', 'y', 'on'].includes(t)) return ok('t', 'a TEXT read as a boolean');
        if (['f', 'false', '0', 'no', 'n', 'off'].includes(t)) return ok('f', 'a TEXT read as a boolean');
      }
      return bad(`${describe(v)} is not a boolean (0 or 1)`);
    },
  };
}

/** The 8 bytes of a double as hex, -0 as 0 (PostgreSQL's -0 = 0; SQLite keeps no -0 in REAL anyway). */
function doubleHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x === 0 ? 0 : x);
  return b.toString('hex');
}

/** float8 (or float4: `single`, the SQLite double rounded to float4 as PostgreSQL stores it). */
function floatForm(single: boolean): PortableForm {
  const round = (x: number): number => (single ? Math.fround(x) : x);
  return {
    family: 'float',
    pgSql: (x) => `encode(float8send(CASE WHEN (${x}) = 0 THEN 0::float8 ELSE (${x})::float8 END), 'hex')`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      if (typeof v === 'number') return ok(doubleHex(round(v)));
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? ok(doubleHex(round(Number(v)))) : ok(doubleHex(round(Number(v))), 'an INTEGER beyond 2^53 rounded to a double');
      if (typeof v === 'string' && DECIMAL_TEXT.test(v)) return ok(doubleHex(round(Number(v))), 'a TEXT holding a number');
      return bad(`${describe(v)} is not a number`);
    },
  };
}

/**
 * A decimal text normalised as `trim_scale(numeric)::text` writes it: no exponent, no leading
 * zeros, no trailing fractional zeros, `0` for zero.
 */
export function normaliseDecimal(text: string): string {
  const m = /^\s*([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = m;
  let digits = `${whole}${fraction}`;
  let point = whole.length + Number(exponent);
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign === '-' ? `-${out}` : out;
}

function numericForm(): PortableForm {
  return {
    family: 'numeric',
    pgSql: (x) => `trim_scale((${x})::numeric)::text`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      if (typeof v === 'bigint') return ok(v.toString());
      // A double's shortest digits: what a loader writing its text puts in the numeric column.
      if (typeof v === 'number') return Number.isFinite(v) ? ok(normaliseDecimal(String(v))) : ok(Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
      if (typeof v === 'string' && DECIMAL_TEXT.test(v)) return ok(normaliseDecimal(v), 'a TEXT holding a number');
      return bad(`${describe(v)} is not a number`);
    },
  };
}

function textForm(): PortableForm {
  return {
    family: 'text',
    pgSql: (x) => `(${x})::text`,
    fromSqlite(v) {
      if (v === null || typeof v === 'string') return ok(v);
      if (typeof v === 'bigint' || typeof v === 'number') return ok(String(v), 'a number in a text column');
      return ok(Buffer.from(v).toString('utf8'), 'a BLOB read as UTF-8 text');
    },
  };
}

function byteaForm(): PortableForm {
  return {
    family: 'bytea',
    pgSql: (x) => `encode(${x}, 'hex')`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      if (isBytes(v)) return ok(Buffer.from(v).toString('hex'));
      if (typeof v === 'string') return ok(Buffer.from(v, 'utf8').toString('hex'), 'a TEXT read as its UTF-8 bytes');
      return bad(`${describe(v)} is not bytes`);
    },
  };
}

const UUID_TEXT = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

function uuidForm(): PortableForm {
  return {
    family: 'uuid',
    pgSql: (x) => `(${x})::text`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      const hex = isBytes(v) && v.length === 16 ? Buffer.from(v).toString('hex') : typeof v === 'string' ? v.trim() : undefined;
      const m = hex === undefined ? null : UUID_TEXT.exec(hex);
      return m ? ok(m.slice(1, 6).join('-').toLowerCase(), isBytes(v) ? 'a 16-byte BLOB read as a UUID' : undefined) : bad(`${describe(v)} is not a UUID`);
    },
  };
}

const MICROS_PER_DAY = 86_400_000_000n;
/** Julian day number of 1970-01-01 00:00 UTC. */
const UNIX_EPOCH_JULIAN_DAY = 2_440_587.5;
const DATETIME_TEXT = /^\s*(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/** Microseconds since 1970-01-01 00:00 UTC of an ISO-like text; its zone, when it names one, applied. */
function microsOfText(text: string): { micros: bigint; zoned: boolean } | undefined {
  const m = DATETIME_TEXT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const day = new Date(0);
  // setUTCFullYear, not Date.UTC: that one reads years 0 to 99 as 1900 to 1999.
  day.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  const days = BigInt(Math.round(day.getTime() / 86_400_000));
  // Past microseconds, a fraction is rounded half away from zero, as PostgreSQL's input does.
  const micros = BigInt(Math.round(Number(`0.${frac || '0'}`) * 1e6));
  let total = days * MICROS_PER_DAY + BigInt(((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1e6) + micros;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    const offset = BigInt((Number(z?.[2] ?? 0) * 60 + Number(z?.[3] ?? 0)) * 60_000_000);
    total += z?.[1] === '-' ? offset : -offset;
  }
  return { micros: total, zoned: zone !== undefined };
}

const PLAIN_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?Z?$/i;

/**
 * The common case without arithmetic: a UTC or zoneless ISO text of a year 0000 to 9999 with at
 * most microseconds is its own fields, written as to_char writes them (null: a day that does not
 * exist, such as February 30). Anything else (a zone offset, nanoseconds, spaces): undefined, for
 * microsOfText.
 */
function plainIsoText(text: string): string | null | undefined {
  const m = PLAIN_ISO.exec(text);
  if (!m) return undefined;
  const [, y = '', mo = '', d = '', h = '00', mi = '00', sec = '00', frac = ''] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  return `${y}-${mo}-${d} ${h}:${mi}:${sec}.${frac.padEnd(6, '0')}`;
}

/** `YYYY-MM-DD HH:MI:SS.US` of microseconds since the epoch (UTC), as to_char writes it. */
export function formatMicros(micros: bigint): string {
  const days = micros >= 0n ? micros / MICROS_PER_DAY : -((-micros + MICROS_PER_DAY - 1n) / MICROS_PER_DAY);
  const inDay = micros - days * MICROS_PER_DAY;
  const date = new Date(Number(days) * 86_400_000);
  const pad = (n: number | bigint, w: number): string => n.toString().padStart(w, '0');
  const us = inDay % 1_000_000n;
  const secs = Number(inDay / 1_000_000n);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.${pad(us, 6)}`;
}

/**
 * timestamp (`zoned` false) or timestamptz, in UTC: a SQLite text as ISO 8601 (without a zone it
 * is taken as UTC), a number (or a text holding one) as `numbers` says.
 */
function timestampForm(zoned: boolean, numbers: DatetimeEncoding): PortableForm {
  return {
    family: zoned ? 'timestamptz' : 'timestamp',
    pgSql: (x) => `to_char(${zoned ? `(${x}) AT TIME ZONE 'UTC'` : `(${x})`}, 'YYYY-MM-DD HH24:MI:SS.US')`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      const numeric = typeof v === 'string' && DECIMAL_TEXT.test(v);
      if (typeof v === 'string' && !numeric) {
        const fast = plainIsoText(v);
        if (fast !== undefined) return fast === null ? bad(`${describe(v)} is not a date and time (no such day)`) : ok(fast);
        const t = microsOfText(v);
        return t ? ok(formatMicros(t.micros)) : bad(`${describe(v)} is not a date and time (ISO 8601 text or a number expected)`);
      }
      const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : numeric ? Number(v) : NaN;
      if (!Number.isFinite(n)) return bad(`${describe(v)} is not a date and time`);
      const micros = numbers === 'unix-seconds' ? n * 1e6 : numbers === 'unix-ms' ? n * 1e3 : (n - UNIX_EPOCH_JULIAN_DAY) * 86_400e6;
      return ok(formatMicros(BigInt(Math.round(micros))), numeric ? `a TEXT holding a number read as ${numbers}` : undefined);
    },
  };
}

function jsonForm(): PortableForm {
  return {
    family: 'jsonb',
    pgSql: (x) => `((${x})::jsonb)::text`,
    fromSqlite(v) {
      if (v === null) return ok(null);
      const text = isBytes(v) ? Buffer.from(v).toString('utf8') : String(v);
      try {
        return ok(jsonbText(text), typeof v === 'string' ? undefined : isBytes(v) ? 'a BLOB read as JSON text' : 'a number read as a JSON scalar');
      } catch (error) {
        return bad(`${describe(v)} is ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** date from a text (its date part) or a number of the timestamp encodings. */
function dateForm(encoding: DatetimeEncoding): PortableForm {
  const timestamp = timestampForm(false, encoding);
  return {
    family: 'date',
    pgSql: (x) => `to_char(${x}, 'YYYY-MM-DD')`,
    fromSqlite(v) {
      const r = timestamp.fromSqlite(v);
      if (!('text' in r) || r.text === null) return r;
      const [day = '', time = ''] = r.text.split(' ');
      return ok(day, time === '00:00:00.000000' ? r.coerced : 'a date and time read as its date');
    },
  };
}

/** The form of a PostgreSQL column of type `pgType` (format_type's name) read from SQLite. */
export function portableForm(pgType: string, options: { datetime?: DatetimeEncoding } = {}): PortableForm | undefined {
  const t = pgType.toLowerCase().replace(/\(.*\)/, '').trim();
  if (['smallint', 'integer', 'bigint'].includes(t)) return integerForm();
  if (t === 'boolean') return booleanForm();
  if (t === 'double precision') return floatForm(false);
  if (t === 'real') return floatForm(true);
  if (t === 'numeric') return numericForm();
  if (['text', 'character varying', 'character', 'name', 'citext'].includes(t)) return textForm();
  if (t === 'bytea') return byteaForm();
  if (t === 'uuid') return uuidForm();
  if (t === 'json' || t === 'jsonb') return jsonForm();
  if (t === 'date') return dateForm(options.datetime ?? 'unix-seconds');
  if (t === 'timestamp without time zone') return timestampForm(false, options.datetime ?? 'unix-seconds');
  if (t === 'timestamp with time zone') return timestampForm(true, options.datetime ?? 'unix-seconds');
  return undefined;
}
