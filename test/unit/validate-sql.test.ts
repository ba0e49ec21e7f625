import { describe, expect, it } from 'vitest';
import { builtInForms, canonicalForm, compareForms, type TypeInfo } from '../../validate/canonical.js';
import type { Catalog, CatalogTable } from '../../validate/catalog.js';
import { initialBits, shown } from '../../validate/compare-table.js';
import { planValidation, type TablePlan } from '../../validate/table-plan.js';
import { parseTablePattern, parseTablePatterns } from '../../validate/table-patterns.js';
import { bucketDigestSql, bucketRowsSql, keyHashSql, maskLiteral, rowDetailSql, rowHashSql } from '../../validate/table-sql.js';

/** A small pg_type: OIDs as PostgreSQL has them for the built-ins, user types from 90000. */
const TYPES: TypeInfo[] = [
  { oid: 21, name: 'smallint', typtype: 'b', category: 'N' },
  { oid: 23, name: 'integer', typtype: 'b', category: 'N' },
  { oid: 20, name: 'bigint', typtype: 'b', category: 'N' },
  { oid: 1700, name: 'numeric', typtype: 'b', category: 'N' },
  { oid: 701, name: 'double precision', typtype: 'b', category: 'N' },
  { oid: 700, name: 'real', typtype: 'b', category: 'N' },
  { oid: 25, name: 'text', typtype: 'b', category: 'S' },
  { oid: 1042, name: 'character', typtype: 'b', category: 'S' },
  { oid: 114, name: 'json', typtype: 'b', category: 'U' },
  { oid: 3802, name: 'jsonb', typtype: 'b', category: 'U' },
  { oid: 1184, name: 'timestamp with time zone', typtype: 'b', category: 'D' },
  { oid: 1186, name: 'interval', typtype: 'b', category: 'T' },
  { oid: 1007, name: 'integer[]', typtype: 'b', category: 'A', elementOid: 23 },
  { oid: 90001, name: 'mood', typtype: 'e', category: 'E' },
  { oid: 90002, name: 'mood[]', typtype: 'b', category: 'A', elementOid: 90001 },
  { oid: 90003, name: 'posint', typtype: 'd', category: 'N', baseOid: 23 },
  { oid: 90004, name: 'pair', typtype: 'c', category: 'C' },
  { oid: 90005, name: 'vector', typtype: 'b', category: 'U' },
];
const lookup = (oid: number): TypeInfo | undefined => TYPES.find((t) => t.oid === oid);
const form = (name: string) => {
  const type = TYPES.find((t) => t.name === name);
  if (!type) throw new Error(name);
  return canonicalForm(type, lookup);
};

describe('canonical forms', () => {
  it('widens integers to int8, hashes floats by their bits with one NaN, and keeps text bytes', () => {
    expect(form('integer').sql('x')).toBe('(x)::int8');
    expect(form('double precision').sql('x')).toBe(`(CASE WHEN (x)::float8 = 'NaN'::float8 THEN '\\x7ff8000000000000'::bytea ELSE float8send((x)::float8) END)`);
    expect(form('real').family).toBe(form('double precision').family);
    expect(form('text').sql('x')).toBe('((x)::text COLLATE "C")');
    expect(form('character').sql('x')).toBe('((x)::text COLLATE "C")');
    expect(form('numeric').sql('x')).toBe('((x)::text COLLATE "C")');
    expect(form('interval').sql('x')).toBe('((x)::text COLLATE "C")');
    expect(form('jsonb').sql('x')).toBe('x');
    expect(form('timestamp with time zone').sql('x')).toBe('x');
  });

  it('reads enums as labels, domains as their base type, arrays and composites as text, unknown types as text', () => {
    expect(form('mood')).toMatchObject({ family: 'enum', type: 'mood' });
    expect(form('mood').sql('x')).toBe('((x)::text COLLATE "C")');
    expect(form('posint')).toMatchObject({ family: 'integer', type: 'posint' });
    expect(form('posint').sql('x')).toBe('((x)::integer)::int8');
    expect(form('mood[]')).toMatchObject({ family: 'array of enum' });
    expect(form('integer[]')).toMatchObject({ family: 'array of integer' });
    expect(form('pair').family).toBe('composite pair');
    expect(form('vector')).toMatchObject({ family: 'vector' });
    expect(form('vector').sql('x')).toBe('((x)::text COLLATE "C")');
  });

  it('compares int4 with int8 and json with jsonb by value, with a note, and refuses text against jsonb', () => {
    expect(compareForms(form('integer'), form('bigint'))).toMatchObject({ ok: true, note: 'integer on the source, bigint on the target: compared by value' });
    const json = compareForms(form('json'), form('jsonb'));
    expect(json).toMatchObject({ ok: true, note: 'json on the source, jsonb on the target: json against jsonb: compared as jsonb' });
    if (json.ok) expect([json.source('x'), json.target('x')]).toEqual(['(x)::jsonb', '(x)::jsonb']);
    expect(compareForms(form('text'), form('jsonb'))).toEqual({ ok: false, reason: 'text on the source, jsonb on the target: no common form to compare' });
    expect(compareForms(form('text'), form('text'))).toEqual({ ok: true, family: 'text', source: expect.any(Function), target: expect.any(Function) });
  });

  it('gives every built-in form a reason', () => {
    for (const f of builtInForms()) expect(f.why.length, f.type).toBeGreaterThan(3);
  });
});

const PLAN: TablePlan = {
  schema: 'my schema',
  name: 'we"ird',
  sourceKind: 'r',
  targetKind: 'p',
  key: ['region', 'at'],
  keyUnique: true,
  columns: [
    { name: 'region', family: 'text', source: (x) => `T(${x})`, target: (x) => `T(${x})`, sourceType: 'text', targetType: 'text' },
    { name: 'at', family: 'timestamp', source: (x) => x, target: (x) => x, sourceType: 'timestamp without time zone', targetType: 'timestamp with time zone' },
    { name: 'v', family: 'integer', source: (x) => `I(${x})`, target: (x) => `I(${x})`, sourceType: 'integer', targetType: 'bigint' },
  ],
  notes: [],
  columnsDiffer: false,
  estimatedRows: 0,
  sourceBlocks: 0,
  targetBlocks: 0,
};

describe('table SQL', () => {
  it('hashes the key and the row over the canonical forms, with quoted identifiers', () => {
    expect(keyHashSql(PLAN, 'source')).toBe('hash_record_extended(ROW(T(t."region"), t."at"), 0)');
    // Each column by its type's own hash function, seeded by its position, xor-ed and mixed once more.
    expect(rowHashSql(PLAN, 'target')).toBe(
      'hashint8extended(COALESCE(hashtextextended(T(t."region"), 2), 0) # COALESCE(timestamp_hash_extended(t."at", 3), 0) # COALESCE(hashint8extended(I(t."v"), 4), 0), 1)',
    );
    // A column without a callable hash function for its form goes into one record.
    const other = { ...PLAN, columns: [...PLAN.columns, { name: 'b', family: 'bytea', source: (x: string) => x, target: (x: string) => x, sourceType: 'bytea', targetType: 'bytea' }] };
    expect(rowHashSql(other, 'source')).toContain(' # hash_record_extended(ROW(t."b"), 1), 1)');
    expect(keyHashSql({ ...PLAN, key: [] }, 'source')).toBe(rowHashSql(PLAN, 'source'));
    // A key of one integer, text or uuid column calls its hash function without a record around it.
    expect(keyHashSql({ ...PLAN, key: ['v'] }, 'target')).toBe('hashint8extended(I(t."v"), 0)');
    expect(keyHashSql({ ...PLAN, key: ['region'] }, 'target')).toBe('hashtextextended(T(t."region"), 0)');
    expect(keyHashSql({ ...PLAN, key: ['at'] }, 'target')).toBe('hash_record_extended(ROW(t."at"), 0)');
  });

  it('groups into buckets by the low bits of the key hash, a plain table ONLY, a partitioned one with its partitions', () => {
    expect(maskLiteral(0)).toBe('0::int8');
    expect(maskLiteral(7)).toBe('127::int8');
    expect(maskLiteral(62)).toBe('4611686018427387903::int8');
    expect(() => maskLiteral(63)).toThrow(RangeError);
    const source = bucketDigestSql(PLAN, 'source', 7);
    expect(source).toContain('FROM ONLY "my schema"."we""ird" AS t');
    expect(source).toContain('SELECT g.b::text AS b, g.n::text AS n, g.s::text AS s FROM (\nSELECT r.kh & 127::int8 AS b, count(*) AS n, sum(r.h) AS s\n');
    expect(source).not.toContain('$1');
    const split = bucketDigestSql(PLAN, 'target', 13, 7);
    expect(split).toContain('FROM "my schema"."we""ird" AS t');
    expect(split).toContain('WHERE (r.kh & 127::int8) = ANY ($1::int8[])');
  });

  it('reads one slice of the blocks by ctid when given, the whole table otherwise', () => {
    expect(bucketDigestSql(PLAN, 'source', 7, undefined, { from: 10, to: 20 })).toContain(
      `FROM ONLY "my schema"."we""ird" AS t WHERE t.ctid >= '(10,0)'::tid AND t.ctid < '(20,0)'::tid) AS r`,
    );
    expect(bucketRowsSql(PLAN, 'source', 7, { from: 30 })).toContain(`AS t WHERE t.ctid >= '(30,0)'::tid) AS r`);
    expect(bucketDigestSql(PLAN, 'source', 7, undefined, {})).toContain('"we""ird" AS t) AS r');
  });

  it('fetches the rows of buckets with the key text, or each distinct row with its multiplicity without a key', () => {
    expect(bucketRowsSql(PLAN, 'source', 7)).toContain(`ARRAY[(t."region")::text, (t."at")::text]::text[] AS v`);
    const multiset = bucketRowsSql({ ...PLAN, key: [] }, 'source', 7);
    expect(multiset).toContain('count(*)::text AS n, min(r.v) AS v');
    expect(multiset).toContain('GROUP BY r.kh');
  });

  it('reads whole rows by key, each key value cast to the side\'s own type', () => {
    const sql = rowDetailSql(PLAN, 'target', 2);
    expect(sql).toContain(`WHERE (t."region", t."at") IN (VALUES ($1::text, $2::timestamp with time zone), ($3::text, $4::timestamp with time zone))`);
    expect(sql).toContain('ARRAY[hash_record_extended(ROW(T(t."region")), 1)::text, hash_record_extended(ROW(t."at"), 1)::text, hash_record_extended(ROW(I(t."v")), 1)::text] AS hs');
  });

  it('aims at about 1,000 rows per first-level bucket', () => {
    expect([0, 500, 1_000, 1_001, 100_000, 1e7, 1e12].map((n) => initialBits(n, 1_000))).toEqual([0, 0, 0, 1, 7, 14, 20]);
  });

  it('cuts long values and keeps their length', () => {
    expect(shown('abcdef', { maxValueChars: 3 })).toEqual({ text: 'abc…', length: 6 });
    expect(shown('😀😀', { maxValueChars: 2 })).toEqual({ text: '😀😀' });
    expect(shown(null, { maxValueChars: 3 })).toEqual({ text: null });
  });
});

describe('table patterns and the plan', () => {
  it('matches schema.table globs, and a bare name in any schema', () => {
    const p = parseTablePattern('sales.order_*', '--tables');
    expect([p.matches('sales', 'order_lines'), p.matches('sales', 'orders'), p.matches('other', 'order_lines')]).toEqual([true, false, false]);
    const bare = parseTablePattern('t?', '--tables');
    expect([bare.matches('a', 't1'), bare.matches('b', 't2'), bare.matches('a', 't12')]).toEqual([true, true, false]);
  });

  it('refuses malformed patterns naming the flag', () => {
    for (const bad of ['', 'a.', '.b', 'a.b.c']) {
      expect(() => parseTablePatterns([bad], '--tables')).toThrow(/^--tables: expected schema\.table or table/);
    }
  });

  const table = (name: string, key: string[], columns: [string, number][]): CatalogTable => ({
    schema: 'public',
    name,
    kind: 'r',
    estimatedRows: 10,
    blocks: 1,
    key,
    columns: columns.map(([n, typeOid]) => ({ name: n, typeOid, declared: TYPES.find((t) => t.oid === typeOid)?.name ?? '?' })),
  });
  const catalog = (tables: CatalogTable[]): Catalog => ({ tables, types: lookup, serverVersionNum: 170000, encoding: 'UTF8' });

  it('pairs tables and columns, notes columns on one side, and names a pattern that selects nothing', () => {
    const source = catalog([table('a', ['id'], [['id', 23], ['v', 25]]), table('gone', [], [['x', 23]])]);
    const target = catalog([table('a', ['id'], [['id', 20], ['w', 25]]), table('new', [], [['x', 23]])]);
    const plan = planValidation(source, target, [], []);
    expect(plan.unplanned).toEqual([
      { schema: 'public', name: 'gone', status: 'missing', reason: 'missing on the target' },
      { schema: 'public', name: 'new', status: 'missing', reason: 'missing on the source (only on the target)' },
    ]);
    expect(plan.tables).toHaveLength(1);
    expect(plan.tables[0]).toMatchObject({
      key: ['id'],
      columnsDiffer: true,
      notes: ['column id: integer on the source, bigint on the target: compared by value', 'column v is missing on the target: not compared', 'column w is only on the target: not compared'],
    });
    expect(() => planValidation(source, target, parseTablePatterns(['nope'], '--tables'), [])).toThrow('table pattern "nope" matches no table on either side');
    expect(planValidation(source, target, [], parseTablePatterns(['gone', 'new', 'a'], '--exclude'))).toEqual({ tables: [], unplanned: [] });
  });
});
