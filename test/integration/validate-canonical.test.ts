import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../scenarios/providers/index.js';
import type { Session } from '../../core/session.js';
import { labReady, startLabServer } from '../support/lab.js';
import { canonicalForm, SESSION_SETTINGS } from '../../validate/canonical.js';
import { readCatalog } from '../../validate/catalog.js';
import { validateData } from '../../validate/run-validation.js';
import { quoteIdent } from '../../validate/sql-ident.js';

/**
 * The canonical forms (validate/canonical.ts) on real servers of three majors: the same data of
 * every type hashes the same on 15, 17 and 18 (column by column, and as whole tables through
 * validateData), and each form tells apart what it promises to (the last bit of a float, -0, one
 * microsecond, NULL and '', the scale of a numeric, '1 day' and '24 hours').
 */

const TYPES_SQL = `
CREATE EXTENSION vector;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text, m mood, f float8);
CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);
CREATE TABLE every_type (
  id int PRIMARY KEY,
  i2 int2, i4 int4, i8 int8, n numeric, n2 numeric(12, 4), f4 float4, f8 float8,
  t text, vc varchar(20), c char(5), nm name, b bytea, bo bool,
  d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval, u uuid,
  j json, jb jsonb, ai int[], at text[], af float8[], am mood[], ats timestamptz[],
  comp pair, m mood, dom posint, v vector(3), ir int4range, ip inet, mo money
);
CREATE TABLE keyed_text (k text PRIMARY KEY, v int);
INSERT INTO keyed_text SELECT 'Kë' || g || CASE WHEN g % 2 = 0 THEN 'a' ELSE 'B' END, g FROM generate_series(1, 3000) g;
CREATE TABLE keyed_uuid (k uuid PRIMARY KEY, v int);
INSERT INTO keyed_uuid SELECT md5(g::text)::uuid, g FROM generate_series(1, 3000) g;
CREATE TABLE keyed_numeric (k numeric PRIMARY KEY, v float8);
INSERT INTO keyed_numeric SELECT g / 8.0, g / 3.0 FROM generate_series(1, 3000) g;
CREATE TABLE keyed_composite (at timestamptz, tag text, v int, PRIMARY KEY (at, tag));
INSERT INTO keyed_composite SELECT timestamptz '2024-03-31 00:00:00.000001+00' + g * interval '17 minutes', 'tag' || (g % 3), g FROM generate_series(1, 3000) g;
CREATE TABLE keyed_unique (a int NOT NULL, b text, c int, UNIQUE (b), UNIQUE (a));
INSERT INTO keyed_unique SELECT g, 'b' || g, g FROM generate_series(1, 100) g;
CREATE TABLE parted (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (MINVALUE) TO (1000);
CREATE TABLE parted_high PARTITION OF parted FOR VALUES FROM (1000) TO (MAXVALUE);
INSERT INTO parted SELECT g, 'v' || g FROM generate_series(1, 2000) g;
CREATE TABLE drift (name text, at timestamptz, v numeric, PRIMARY KEY (name, at));
INSERT INTO drift VALUES ('a', '2024-01-01 00:00:00.5+00', 1.5), ('b', '2024-06-01 12:00:00.000001+00', 2.5)`;

/** Rows with the edge cases of each type; row 3 holds the "empty" values, row 2 (inserted last) only NULLs. */
const ROWS_SQL = (nan: string) => `
INSERT INTO every_type VALUES
 (1, 1, 2, 3, 1.5, 12.3400, 1.5, 0.1, 'abc', 'abc', 'ab', 'nm', '\\x00ff', true,
  '2024-02-29', '23:59:59.999999', '12:00:00+05:30', '2024-02-29 23:59:59.999999', '2024-03-31 01:30:00.123456+02', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{"b": 1,  "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}', '{1,2,3}', '{"a","b c",NULL}', '{0.1,-0,NaN,Infinity}', '{sad,happy}', '{"2024-01-01 00:00:00.000001+00"}',
  ROW(1, 'x', 'ok', 0.30000000000000004), 'happy', 7, '[0.1,-0,3.4028235e38]', '[1,5)', '10.0.0.1/8', 12.34),
 (3, 0, 0, 0, 0, 0, '-0', '-0', '', '', '', '', '\\x', false,
  'infinity', '00:00', '00:00+00', '-infinity', 'infinity', '0', '00000000-0000-0000-0000-000000000000',
  '{}', '{}', '{}', '{""}', '{}', '{}', '{}', ROW(NULL, '', NULL, '-0'), 'sad', 1, '[0,0,0]', 'empty', '::1', 0),
 (4, -32768, -2147483648, -9223372036854775808, 'NaN', -99999999.9999, 'Infinity', ${nan}, 'é😀 ünï', repeat('z', 20), 'abcde', 'x', decode(repeat('ab', 100), 'hex'), NULL,
  '4713-01-01 BC', '24:00', '23:59:59.999999-15:59', '294276-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999-08', '24 hours', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '[1, 1.0, 1e2]', '{"n": 1.000, "u": "\\u00e9", "z": null}', '{-2147483648}', '{"\\"q\\"","x,y"}', '{NaN,-Infinity,1e-320}', '{ok}', '{infinity}',
  ROW(-1, 'a,b', 'happy', 'NaN'), 'ok', 2147483647, '[-1e-45,1e-45,1]', '(,)', '2001:db8::/32', -92233720368547758.08),
 (5, 1, 1, 1, 123456789012345678901234567890.123456789, 1, 3.4028235e38, 5e-324, E'line\\nbreak\\ttab', ' lead', 'a  ', 'y', '\\x5c', true,
  '2000-01-01', '00:00:00.000001', '00:00:00.000001+14', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00.000001+00', '1 mon -1 day 00:00:00.000001', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
  '"just a string"', '[true, false, null, "x"]', NULL, '{NULL}', '{1.7976931348623157e308}', NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO every_type (id) VALUES (2)`;

async function seed(server: LocalServer, nan: string, shiftOids: boolean): Promise<void> {
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE validate_types');
  await using db = await server.admin('validate_types');
  // Types created before ours move their OIDs: enums must not compare by OID.
  if (shiftOids) await db.query(`CREATE TYPE shift_a AS ENUM ('x'); CREATE TYPE shift_b AS ENUM ('y')`);
  await db.query(TYPES_SQL);
  await db.query(ROWS_SQL(nan));
  // The one real difference of the targets: a numeric whose scale changed.
  if (shiftOids) await db.query(`UPDATE drift SET v = 2.50 WHERE name = 'b'`);
}

/** Per column of every_type: the hash of its canonical form, row by row (id order). */
async function columnHashes(server: LocalServer): Promise<Record<string, string[]>> {
  await using db = await server.admin('validate_types');
  for (const [name, value] of Object.entries(SESSION_SETTINGS)) await db.query(`SELECT set_config($1, $2, false)`, [name, value]);
  const catalog = await readCatalog(db, []);
  const table = catalog.tables.find((t) => t.name === 'every_type');
  if (!table) throw new Error('every_type not found');
  const out: Record<string, string[]> = {};
  for (const c of table.columns) {
    const type = catalog.types(c.typeOid);
    if (!type) throw new Error(`no type for ${c.name}`);
    const form = canonicalForm(type, catalog.types);
    const rows = await db.query<{ h: string }>(`SELECT hash_record_extended(ROW(${form.sql(quoteIdent(c.name))}), 1)::text AS h FROM every_type ORDER BY id`);
    out[`${c.name} (${c.declared})`] = rows.map((r) => r.h);
  }
  return out;
}

/** The hash of one literal's canonical form, on a session with the validation settings. */
async function literalHash(db: Session, literal: string, typeName: string): Promise<string> {
  const [t] = await db.query<{ oid: string }>(`SELECT $1::regtype::oid::int8::text AS oid`, [typeName]);
  const catalog = await readCatalog(db, []);
  const type = catalog.types(Number(t?.oid));
  if (!type) throw new Error(`no type ${typeName}`);
  const [row] = await db.query<{ h: string | null }>(`SELECT hash_record_extended(ROW(${canonicalForm(type, catalog.types).sql(`(${literal})::${typeName}`)}), 1)::text AS h`);
  return String(row?.h);
}

describe.skipIf(!labReady(15, 17, 18))('canonical forms on lab servers 15, 17, 18 (skipped without the upgrade lab: scripts/lab.sh)', () => {
  const servers = new Map<number, LocalServer>();

  beforeAll(async () => {
    const started = await Promise.all(([15, 17, 18] as const).map((m) => startLabServer(m, { name: `validate-types-${m}` })));
    started.forEach((s, i) => servers.set([15, 17, 18][i] ?? 0, s));
    // The source writes NaN as a literal; the targets compute one (Infinity - Infinity), whose
    // bit pattern can differ: every NaN is one value.
    await seed(must(15), `'NaN'`, false);
    await seed(must(17), `'Infinity'::float8 - 'Infinity'::float8`, true);
    await seed(must(18), `'Infinity'::float8 - 'Infinity'::float8`, true);
  });
  afterAll(async () => {
    for (const s of servers.values()) await s.close();
  });

  function must(major: number): LocalServer {
    const s = servers.get(major);
    if (!s) throw new Error(`no server ${major}`);
    return s;
  }

  for (const major of [17, 18]) {
    it(`hashes every column of every type the same on 15 and ${major}`, async () => {
      const [from, to] = await Promise.all([columnHashes(must(15)), columnHashes(must(major))]);
      expect(Object.keys(from)).toHaveLength(35);
      for (const [column, hashes] of Object.entries(from)) expect(to[column], column).toEqual(hashes);
    });

    it(`validates 15 -> ${major}: every type and key type equal, a changed numeric scale found by its composite key`, async () => {
      const result = await validateData({ source: must(15).endpoint('validate_types'), target: must(major).endpoint('validate_types') });
      // Partitions are read through their partitioned table; a unique index on a NOT NULL column is a key.
      expect(result.tables.map((t) => [t.table, t.status, t.sourceRows, t.targetRows, t.key.join(',')])).toEqual([
        ['public.drift', 'different', 2, 2, 'name,at'],
        ['public.every_type', 'equal', 5, 5, 'id'],
        ['public.keyed_composite', 'equal', 3000, 3000, 'at,tag'],
        ['public.keyed_numeric', 'equal', 3000, 3000, 'k'],
        ['public.keyed_text', 'equal', 3000, 3000, 'k'],
        ['public.keyed_unique', 'equal', 100, 100, 'a'],
        ['public.keyed_uuid', 'equal', 3000, 3000, 'k'],
        ['public.parted', 'equal', 2000, 2000, 'id'],
      ]);
      // The only difference, read back by its composite key on each major.
      expect(result.tables[0]).toMatchObject({ missing: 0, extra: 0, changed: 1 });
      expect(result.tables[0]?.changedRows).toEqual([
        { key: { name: 'b', at: '2024-06-01 12:00:00.000001+00' }, columns: [{ column: 'v', source: { text: '2.5' }, target: { text: '2.50' } }] },
      ]);
      expect(result.outcome).toBe('different');
    });
  }

  it('tells apart what each form promises to, and only that', async () => {
    await using db = await must(15).admin('validate_types');
    for (const [name, value] of Object.entries(SESSION_SETTINGS)) await db.query(`SELECT set_config($1, $2, false)`, [name, value]);
    const differ: [string, string, string][] = [
      [`'1'`, `'1.0000000000000002'`, 'float8'],
      [`'0'`, `'-0'`, 'float8'],
      [`'1'`, `'1.0000001'`, 'float4'],
      [`'1.0'`, `'1.00'`, 'numeric'],
      [`'2024-01-01 00:00:00'`, `'2024-01-01 00:00:00.000001'`, 'timestamp'],
      [`'2024-01-01 00:00:00+00'`, `'2024-01-01 00:00:00.000001+00'`, 'timestamptz'],
      [`'1 day'`, `'24 hours'`, 'interval'],
      [`NULL`, `''`, 'text'],
      [`'{"a": 1}'`, `'{"a":1}'`, 'json'],
      [`'{"a": 1}'`, `'{"a": 2}'`, 'jsonb'],
      [`'{"a": 1, "b": 2}'`, `'{"a": 1, "c": 2}'`, 'jsonb'],
      [`'abc'`, `'abC'`, 'text'],
      [`'{1,2}'`, `'{2,1}'`, 'int[]'],
      [`'[1,2,3]'`, `'[1,2,3.0000002]'`, 'vector'],
    ];
    for (const [a, b, type] of differ) expect(await literalHash(db, a, type), `${a} vs ${b} as ${type}`).not.toBe(await literalHash(db, b, type));
    const same: [string, string, string][] = [
      [`'NaN'`, `'Infinity'::float8 - 'Infinity'::float8`, 'float8'],
      [`'ab'`, `'ab   '`, 'char(5)'],
      [`'{"b": 1, "a": 2}'`, `'{"a":2,"b":1}'`, 'jsonb'],
      [`'2024-01-01 02:00:00+02'`, `'2024-01-01 00:00:00+00'`, 'timestamptz'],
    ];
    for (const [a, b, type] of same) expect(await literalHash(db, a, type), `${a} vs ${b} as ${type}`).toBe(await literalHash(db, b, type));
    // int4 and int8 columns compare by value.
    expect(await literalHash(db, `'7'`, 'int4')).toBe(await literalHash(db, `'7'`, 'int8'));
  });
});
