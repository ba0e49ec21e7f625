/**
 * The 64-bit hash of a whole row, computed by PostgreSQL from each column's canonical form
 * (canonical.ts) without building a record when it can: a `ROW(...)` of every column costs a
 * tuple formed and deformed again per row, more than half of a digest scan. A column whose form
 * has a type with a callable extended hash function is hashed by it directly (with a seed of its
 * own position, so that values cannot trade places between columns); the others go into one
 * record hashed by `hash_record_extended`. The per-column hashes are combined with `#` (xor:
 * no overflow to check) and the result is mixed once more by `hashint8extended`, so that the
 * row hash is no linear function of its columns: a bucket's digest sums row hashes, and with a
 * linear combination two rows of one bucket trading a column's values would sum the same.
 */

/** A column as hashed: its canonical form on this side, and the plain column expression. */
export interface HashedColumn {
  family: string;
  /** The canonical form's SQL of the column (canonical.ts). */
  form: string;
  /** The column itself, e.g. `t."price"`. */
  column: string;
}

/** Families whose canonical form is `text` (canonical.ts: `asText`, money's numeric text). */
const TEXT_FAMILIES = new Set(['text', 'numeric', 'interval', 'json', 'inet', 'cidr', 'enum', 'money']);
const TEXT_FAMILY_PREFIXES = ['array of ', 'composite '];

/**
 * Families hashed directly: the SQL of the extended hash of the canonical form with `seed`, NULL
 * for a NULL value. Each is the hash function PostgreSQL's own hash opclass uses for the form's
 * type (stable across majors: hash partitioning stores their results); `float`, `boolean` and
 * `timestamptz` say below why theirs tell apart exactly the values their forms do.
 */
const DIRECT: Readonly<Record<string, (c: HashedColumn, seed: number) => string>> = {
  integer: (c, seed) => `hashint8extended(${c.form}, ${seed})`,
  jsonb: (c, seed) => `jsonb_hash_extended(${c.form}, ${seed})`,
  uuid: (c, seed) => `uuid_hash_extended(${c.form}, ${seed})`,
  time: (c, seed) => `time_hash_extended(${c.form}, ${seed})`,
  timetz: (c, seed) => `timetz_hash_extended(${c.form}, ${seed})`,
  timestamp: (c, seed) => `timestamp_hash_extended(${c.form}, ${seed})`,
  // timestamptz's own opclass uses this function on the same microseconds; the SQL call needs the
  // cast, which under TimeZone UTC (SESSION_SETTINGS, both sides) keeps them (±infinity too).
  timestamptz: (c, seed) => `timestamp_hash_extended((${c.form})::timestamp, ${seed})`,
  // false and true are 0 and 1.
  boolean: (c, seed) => `hashint4extended((${c.form})::int4, ${seed})`,
  // The canonical form is float8send (every bit) with every NaN mapped to one pattern. The same
  // classes without a bytea per row: hashfloat8extended hashes the 8 bytes of any non-zero value
  // and maps every NaN to one (float.c, access/hash/hashfunc.c); it hashes 0 and -0 alike, so
  // zeros (both compare = 0) are told apart by their text, '0' and '-0'.
  float: (c, seed) => {
    const v = `(${c.column})::float8`;
    return `(CASE WHEN ${v} = 0 THEN hashtextextended(${v}::text, ${seed}) ELSE hashfloat8extended(${v}, ${seed}) END)`;
  },
};

function directHash(c: HashedColumn, seed: number): string | undefined {
  const direct = DIRECT[c.family];
  if (direct) return direct(c, seed);
  if (TEXT_FAMILIES.has(c.family) || TEXT_FAMILY_PREFIXES.some((p) => c.family.startsWith(p))) return `hashtextextended(${c.form}, ${seed})`;
  return undefined;
}

/** The row hash of `columns` (in the plan's order, the same on both sides), seeded by `seed`. */
export function rowHashOf(columns: readonly HashedColumn[], seed: number): string {
  const parts: string[] = [];
  const rest: string[] = [];
  columns.forEach((c, i) => {
    // Seeds 2, 3, ...: the position is part of each column's hash.
    const hashed = directHash(c, i + 2);
    // hash_record_extended hashes a NULL field as 0 too.
    if (hashed) parts.push(`COALESCE(${hashed}, 0)`);
    else rest.push(c.form);
  });
  if (rest.length > 0) parts.push(`hash_record_extended(ROW(${rest.join(', ')}), ${seed})`);
  if (parts.length === 0) return `hashint8extended(0, ${seed})`;
  return `hashint8extended(${parts.join(' # ')}, ${seed})`;
}
