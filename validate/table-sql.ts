import { type BlockSlice, sliceCondition } from './block-slices.js';
import { displaySql, KEY_HASH_FUNCTIONS } from './canonical.js';
import { rowHashOf } from './row-hash.js';
import { qualifiedName, quoteIdent } from './sql-ident.js';
import type { TablePlan } from './table-plan.js';

/**
 * The SQL of one table's comparison, for either side. Every row gets two hashes computed by
 * PostgreSQL over the canonical forms (canonical.ts): `kh`, of its key (the bucket it falls in,
 * and its identity), and `h`, of the whole row. A table without a key uses the row hash as its
 * key: its rows are then compared as a multiset, each distinct row with its multiplicity.
 */
export type Side = 'source' | 'target';

/** Seeds of the two hashes: different, so that a row's bucket says nothing of its content. */
const KEY_SEED = 0;
const ROW_SEED = 1;

/** The mask of the low `bits` bits of a hash, as an int8 literal. */
export function maskLiteral(bits: number): string {
  if (!Number.isInteger(bits) || bits < 0 || bits > 62) throw new RangeError(`bucket bits must be 0..62, got ${bits}`);
  return `${(1n << BigInt(bits)) - 1n}::int8`;
}

/** The table as `t`, and when given only the rows of one slice of its blocks. */
function from(plan: TablePlan, side: Side, slice?: BlockSlice): string {
  const kind = side === 'source' ? plan.sourceKind : plan.targetKind;
  // A partitioned table is read with its partitions; a plain one without inheritance children
  // (they are tables of their own, compared on their own).
  const condition = sliceCondition('t', slice);
  return `${kind === 'p' ? '' : 'ONLY '}${qualifiedName(plan.schema, plan.name)} AS t${condition ? ` WHERE ${condition}` : ''}`;
}

function column(alias: string, name: string): string {
  return `${alias}.${quoteIdent(name)}`;
}

/** The hash of the whole row over its canonical forms (`alias` names the table): row-hash.ts. */
export function rowHashSql(plan: TablePlan, side: Side, alias = 't'): string {
  return rowHashOf(
    plan.columns.map((c) => ({ family: c.family, form: c[side](column(alias, c.name)), column: column(alias, c.name) })),
    ROW_SEED,
  );
}

/** The hash of the key over its canonical forms; the row hash when the table has no key. */
export function keyHashSql(plan: TablePlan, side: Side, alias = 't'): string {
  if (plan.key.length === 0) return rowHashSql(plan, side, alias);
  const byName = new Map(plan.columns.map((c) => [c.name, c]));
  const columns = plan.key.map((k) => {
    const c = byName.get(k);
    if (!c) throw new Error(`key column ${k} is not a compared column`);
    return c;
  });
  const forms = columns.map((c) => c[side](column(alias, c.name)));
  // A type's own hash function returns NULL for NULL; a --group-by column may hold it, a key column not.
  const direct = columns.length === 1 && plan.keyUnique ? KEY_HASH_FUNCTIONS[columns[0]?.family ?? ''] : undefined;
  if (direct) return `${direct}(${forms[0]}, ${KEY_SEED})`;
  return `hash_record_extended(ROW(${forms.join(', ')}), ${KEY_SEED})`;
}

/**
 * Per bucket (the low `bits` bits of the key hash): the row count and the exact sum of the row
 * hashes (numeric: sum(int8) cannot overflow), which no order of rows changes. With `parentBits`,
 * only the rows of the buckets `$1` (at that coarser level) are read, to split them.
 */
export function bucketDigestSql(plan: TablePlan, side: Side, bits: number, parentBits?: number, slice?: BlockSlice): string {
  const where = parentBits === undefined ? '' : `\nWHERE (r.kh & ${maskLiteral(parentBits)}) = ANY ($1::int8[])`;
  // Grouped by the int8 (a hash aggregate of a few thousand groups), turned into text only after:
  // grouping by the text made PostgreSQL sort every row, on disk.
  return (
    `SELECT g.b::text AS b, g.n::text AS n, g.s::text AS s FROM (\n` +
    `SELECT r.kh & ${maskLiteral(bits)} AS b, count(*) AS n, sum(r.h) AS s\n` +
    `FROM (SELECT ${keyHashSql(plan, side)} AS kh, ${rowHashSql(plan, side)} AS h FROM ${from(plan, side, slice)}) AS r${where}\n` +
    `GROUP BY 1) AS g`
  );
}

/**
 * The rows of the buckets `$1` (at `bits`): key hash, row hash and the key's text. For a table
 * without a key: each distinct row once, with its multiplicity and its values.
 */
export function bucketRowsSql(plan: TablePlan, side: Side, bits: number, slice?: BlockSlice): string {
  const where = `WHERE (r.kh & ${maskLiteral(bits)}) = ANY ($1::int8[])`;
  // The texts are computed in the subquery so that no user column name can clash with kh or h;
  // PostgreSQL flattens it and computes them only for the rows the WHERE keeps.
  if (plan.key.length === 0) {
    const values = plan.columns.map((c) => displaySql(column('t', c.name)));
    return (
      `SELECT r.kh::text AS kh, r.kh::text AS h, count(*)::text AS n, min(r.v) AS v\n` +
      `FROM (SELECT ${rowHashSql(plan, side)} AS kh, ARRAY[${values.join(', ')}]::text[] AS v FROM ${from(plan, side, slice)}) AS r\n${where}\nGROUP BY r.kh`
    );
  }
  const key = plan.key.map((k) => displaySql(column('t', k)));
  return (
    `SELECT r.kh::text AS kh, r.h::text AS h, '1' AS n, r.v\n` +
    `FROM (SELECT ${keyHashSql(plan, side)} AS kh, ${rowHashSql(plan, side)} AS h, ARRAY[${key.join(', ')}]::text[] AS v FROM ${from(plan, side, slice)}) AS r\n${where}`
  );
}

/**
 * Whole rows by key, `count` keys given as text parameters (key columns in order, one row after
 * the other), each cast to the side's own type: every column's text and the hash of its canonical
 * form, so that the columns that differ are the ones whose canonical forms differ.
 */
export function rowDetailSql(plan: TablePlan, side: Side, count: number): string {
  const byName = new Map(plan.columns.map((c) => [c.name, c]));
  const types = plan.key.map((k) => {
    const c = byName.get(k);
    if (!c) throw new Error(`key column ${k} is not a compared column`);
    return side === 'source' ? c.sourceType : c.targetType;
  });
  const tuples: string[] = [];
  for (let i = 0; i < count; i++) tuples.push(`(${types.map((type, j) => `$${i * types.length + j + 1}::${type}`).join(', ')})`);
  const values = plan.columns.map((c) => displaySql(column('t', c.name)));
  const hashes = plan.columns.map((c) => `hash_record_extended(ROW(${c[side](column('t', c.name))}), ${ROW_SEED})::text`);
  // A key is never NULL; a --group-by column may be, and NULL = NULL is not true.
  const where = plan.keyUnique
    ? `(${plan.key.map((k) => column('t', k)).join(', ')}) IN (VALUES ${tuples.join(', ')})`
    : `EXISTS (SELECT 1 FROM (VALUES ${tuples.join(', ')}) AS k(${plan.key.map((_, j) => `c${j}`).join(', ')}) WHERE ${plan.key.map((k, j) => `${column('t', k)} IS NOT DISTINCT FROM k.c${j}`).join(' AND ')})`;
  return (
    `SELECT ${keyHashSql(plan, side)}::text AS kh, ARRAY[${values.join(', ')}]::text[] AS v, ARRAY[${hashes.join(', ')}] AS hs\n` +
    `FROM ${from(plan, side)}\nWHERE ${where}`
  );
}
