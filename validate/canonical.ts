/**
 * THE canonical form of every type: the one SQL expression whose value data validation hashes and
 * compares, so that identical data never differs across majors, dump/restore or logical
 * replication, and a real change (a float's last bit, one microsecond) always does.
 *
 * Every form below is hashed inside PostgreSQL with `hash_record_extended(ROW(...), seed)`, which
 * calls each field's own extended hash function. Those functions are stable across majors (hash
 * partitioning stores their results on disk, so PostgreSQL cannot change them), but some hash an
 * internal identifier (an enum's OID) or a value that equality considers equal while it is not
 * the same data (`-0` and `0`, `'1 day'` and `'24 hours'`): those types go through another form.
 * test/integration/validate-canonical.test.ts checks every form on lab servers 15, 17 and 18.
 *
 * Text forms depend on session settings; validation fixes them on both sides (SESSION_SETTINGS).
 */

/** What validation knows of a type, read from pg_type (see catalog.ts). */
export interface TypeInfo {
  oid: number;
  /** `format_type(oid, NULL)`, e.g. `integer`, `public.mood`, `vector`. */
  name: string;
  /** pg_type.typtype: b base, c composite, d domain, e enum, r range, m multirange, p pseudo. */
  typtype: string;
  /** pg_type.typcategory: A array, N numeric, S string... */
  category: string;
  /** For an array: its element type; for a domain: its base type. */
  elementOid?: number;
  baseOid?: number;
}

/** Looks up a type by OID (each side has its own catalog). */
export type TypeLookup = (oid: number) => TypeInfo | undefined;

/**
 * The canonical form of a column's type. Two columns can be compared when their `family` is the
 * same on both sides; `sql` wraps a column expression into the value that is hashed.
 */
export interface CanonicalForm {
  /** Types of one family compare by value (int4 and int8 are both `integer`). */
  family: string;
  /** The type itself, as shown in notes, e.g. `integer`, `public.mood`. */
  type: string;
  /** The hashed expression of a column expression `x` (already quoted). */
  sql: (x: string) => string;
  /** Why this form: one sentence for docs/validate.md. */
  why: string;
}

/** Session settings that make every text form below deterministic on both sides. */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  // timestamptz prints in UTC with full microseconds, whatever the servers' TimeZone.
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  // 1 (the default since 12) prints the shortest text that reads back as the same bits; below 1 rounds.
  extra_float_digits: '1',
  bytea_output: 'hex',
};

const native = (family: string, why: string): Omit<CanonicalForm, 'type'> => ({ family, sql: (x) => x, why });
const asText = (family: string, why: string): Omit<CanonicalForm, 'type'> => ({ family, sql: (x) => `((${x})::text COLLATE "C")`, why });

/** Built-in types with a form of their own, by `format_type` name. */
const BUILT_IN: Readonly<Record<string, Omit<CanonicalForm, 'type'>>> = {
  // int2 and int4 widen exactly to int8, so a column widened by a migration compares by value.
  smallint: { family: 'integer', sql: (x) => `(${x})::int8`, why: 'widened to int8, so int2/int4/int8 compare by value; int8 hash is native and stable' },
  integer: { family: 'integer', sql: (x) => `(${x})::int8`, why: 'widened to int8, so int2/int4/int8 compare by value; int8 hash is native and stable' },
  bigint: { family: 'integer', sql: (x) => `(${x})::int8`, why: 'native int8 hash, stable across majors' },
  // numeric's text keeps the scale (1.0 vs 1.00): PostgreSQL preserves it through dump, restore
  // and replication, so identical data never differs, and a changed scale is a real change.
  numeric: asText('numeric', 'text, which keeps the scale: 1.0 and 1.00 differ (PostgreSQL preserves scale, so identical data never does); NaN and ±Infinity as text'),
  // The native float hash treats -0 as 0; the binary form is exact to the last bit. Every NaN is
  // one value in PostgreSQL (NaN = NaN), but arithmetic can produce NaNs of other bit patterns
  // that dump/restore turns into the canonical one: NaN is mapped to one pattern first.
  real: { family: 'float', sql: floatForm, why: 'float8send of the value widened to float8 (exact): every bit counts, -0 differs from 0, all NaNs are one value, ±Infinity exact' },
  'double precision': { family: 'float', sql: floatForm, why: 'float8send (exact): every bit counts, -0 differs from 0, all NaNs are one value, ±Infinity exact' },
  // Bytes, whatever the column's collation (a nondeterministic collation would hash equal strings alike).
  text: asText('text', 'the bytes, COLLATE "C" (a nondeterministic collation would hash different strings alike)'),
  'character varying': asText('text', 'as text: the bytes, COLLATE "C"'),
  name: asText('text', 'as text: the bytes, COLLATE "C"'),
  // char(n)'s padding is not data: bpchar equality ignores it and the cast to text strips it.
  character: asText('text', "text without the padding (char(n)'s trailing spaces are not data in PostgreSQL's equality either)"),
  '"char"': asText('text', 'as text'),
  bytea: native('bytea', 'native hash of the bytes'),
  boolean: native('boolean', 'native hash'),
  uuid: native('uuid', 'native hash of the 16 bytes'),
  // Dates and times hash their integer microseconds (days for date): exact, and timestamptz is
  // stored in UTC, so the servers' TimeZone settings do not matter.
  date: native('date', 'native hash of the day number'),
  'time without time zone': native('time', 'native hash of the microseconds'),
  'time with time zone': native('timetz', 'native hash of the microseconds and the zone offset'),
  'timestamp without time zone': native('timestamp', 'native hash of the microseconds'),
  'timestamp with time zone': native('timestamptz', 'native hash of the microseconds since 2000-01-01 UTC (TimeZone does not matter)'),
  // The native interval hash equates '1 day' and '24 hours', which behave differently across DST.
  interval: asText('interval', "text (IntervalStyle postgres): '1 day' and '24 hours' differ, as they do in timestamptz arithmetic; the native hash equates them"),
  // json keeps its text as stored (whitespace, key order, duplicate keys): that text is the data.
  json: asText('json', 'the text as stored (json keeps whitespace, key order and duplicate keys); against a jsonb column: as jsonb'),
  // jsonb is already canonical (keys sorted, duplicates removed); its hash is stable across majors.
  jsonb: native('jsonb', 'native jsonb hash of the canonical form (keys sorted, whitespace gone); numbers by value, as jsonb equality does'),
  inet: asText('inet', 'text'),
  cidr: asText('cidr', 'text'),
  macaddr: native('macaddr', 'native hash'),
  // money's text follows lc_monetary, which may differ between servers; its value is exact as numeric.
  money: { family: 'money', sql: (x) => `((${x})::numeric)::text`, why: 'numeric value as text (the text form follows lc_monetary)' },
};

function floatForm(x: string): string {
  const v = `(${x})::float8`;
  return `(CASE WHEN ${v} = 'NaN'::float8 THEN '\\x7ff8000000000000'::bytea ELSE float8send(${v}) END)`;
}

/** Families that compare across different types by a common form, e.g. `json` against `jsonb`. */
const CROSS_FAMILY: Readonly<Record<string, { family: string; sql: (x: string) => string; note: string }>> = {
  'json|jsonb': { family: 'jsonb', sql: (x) => `(${x})::jsonb`, note: 'json against jsonb: compared as jsonb' },
};

/** The canonical form of a type, following domains to their base type. */
export function canonicalForm(type: TypeInfo, lookup: TypeLookup): CanonicalForm {
  if (type.typtype === 'd' && type.baseOid !== undefined) {
    const base = lookup(type.baseOid);
    // A domain is data of its base type: its constraints are not data.
    if (base) {
      const form = canonicalForm(base, lookup);
      return { ...form, type: type.name, sql: (x) => form.sql(`(${x})::${base.name}`), why: `its base type's form (${base.name})` };
    }
  }
  // Enums hash their OID, which differs after a dump/restore: the label is the data.
  if (type.typtype === 'e') return { ...asText('enum', 'the label as text (the native hash uses the OID, which dump/restore changes)'), type: type.name };
  // Arrays and composites print each element in its text form under SESSION_SETTINGS (floats
  // shortest-exact, timestamps UTC, enums as labels); their native hashes would hash enum OIDs
  // and fail on json elements.
  if (type.category === 'A' && type.elementOid !== undefined) {
    const element = lookup(type.elementOid);
    const family = `array of ${element ? canonicalForm(element, lookup).family : type.name}`;
    return { ...asText(family, 'text of the array (each element in its text form; native array hashes would hash enum OIDs)'), type: type.name };
  }
  if (type.typtype === 'c') return { ...asText(`composite ${type.name}`, 'text of the record (fields in their text forms)'), type: type.name };
  const known = BUILT_IN[type.name];
  if (known) return { ...known, type: type.name };
  // Everything else (pgvector's vector, ranges, geometric types, tsvector, extension types):
  // its text form, which dump/restore round-trips by definition.
  return { ...asText(type.name, 'text form (what dump/restore round-trips)'), type: type.name };
}

/** How a column pair is compared: one expression per side, or why it cannot be. */
export type ColumnComparison =
  | { ok: true; family: string; source: (x: string) => string; target: (x: string) => string; note?: string }
  | { ok: false; reason: string };

/** The comparison of a column whose type may differ between the sides. */
export function compareForms(source: CanonicalForm, target: CanonicalForm): ColumnComparison {
  if (source.family === target.family) {
    const note = source.type === target.type ? undefined : `${source.type} on the source, ${target.type} on the target: compared by value`;
    return { ok: true, family: source.family, source: source.sql, target: target.sql, ...(note ? { note } : {}) };
  }
  const cross = CROSS_FAMILY[`${source.family}|${target.family}`] ?? CROSS_FAMILY[`${target.family}|${source.family}`];
  if (cross) return { ok: true, family: cross.family, source: cross.sql, target: cross.sql, note: `${source.type} on the source, ${target.type} on the target: ${cross.note}` };
  return { ok: false, reason: `${source.type} on the source, ${target.type} on the target: no common form to compare` };
}

/**
 * The extended hash function of a family's canonical form, for a key of one column: calling it
 * directly spares the record around it, a quarter of a digest scan with a bigint key.
 */
export const KEY_HASH_FUNCTIONS: Readonly<Record<string, string>> = {
  integer: 'hashint8extended',
  text: 'hashtextextended',
  uuid: 'uuid_hash_extended',
};

/** The text shown for a value in a difference (not compared: the canonical form is). */
export function displaySql(x: string): string {
  return `(${x})::text`;
}

/** Every built-in form with its reason, for docs/validate.md and its test. */
export function builtInForms(): { type: string; family: string; why: string }[] {
  return Object.entries(BUILT_IN).map(([type, f]) => ({ type, family: f.family, why: f.why }));
}
