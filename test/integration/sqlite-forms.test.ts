import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { normaliseDecimal, portableForm, type DatetimeEncoding, type SqliteValue } from '../../validate/sqlite-forms.js';

/**
 * The portable text of a value (validate/sqlite-forms.ts) is the same whether PostgreSQL computes
 * it in SQL from its typed value or Node computes it from the value a real SQLite file returns:
 * each case below is a value written to a SQLite column of the given declared type, read back
 * (integers as bigint), and the same value as a PostgreSQL literal of the target type.
 */

interface Case {
  pgType: string;
  sqliteType: string;
  /** What is written to SQLite (a bigint for INTEGER). */
  sqlite: SqliteValue;
  /** The same value as PostgreSQL text, or null. */
  pg: string | null;
  datetime?: DatetimeEncoding;
  coerced?: boolean;
}

const CASES: Case[] = [
  { pgType: 'bigint', sqliteType: 'INTEGER', sqlite: 9007199254740993n, pg: '9007199254740993' },
  { pgType: 'integer', sqliteType: 'INTEGER', sqlite: -42n, pg: '-42' },
  { pgType: 'integer', sqliteType: 'TEXT', sqlite: ' 42', pg: '42', coerced: true },
  { pgType: 'smallint', sqliteType: 'INTEGER', sqlite: null, pg: null },
  { pgType: 'boolean', sqliteType: 'INTEGER', sqlite: 1n, pg: 'true' },
  { pgType: 'boolean', sqliteType: 'INTEGER', sqlite: 0n, pg: 'false' },
  { pgType: 'double precision', sqliteType: 'REAL', sqlite: 0.1, pg: '0.1' },
  { pgType: 'double precision', sqliteType: 'REAL', sqlite: -1.234567890123457e-300, pg: '-1.234567890123457e-300' },
  { pgType: 'double precision', sqliteType: 'REAL', sqlite: 2 ** 60, pg: '1152921504606846976' },
  { pgType: 'double precision', sqliteType: 'REAL', sqlite: -0, pg: '0' },
  { pgType: 'real', sqliteType: 'REAL', sqlite: 0.1, pg: '0.1' },
  { pgType: 'real', sqliteType: 'REAL', sqlite: 3.4028234663852886e38, pg: '3.4028235e38' },
  { pgType: 'numeric', sqliteType: 'REAL', sqlite: 12.5, pg: '12.50' },
  { pgType: 'numeric', sqliteType: 'NUMERIC', sqlite: 123456789012345678n, pg: '123456789012345678' },
  { pgType: 'numeric(12,4)', sqliteType: 'TEXT', sqlite: '0001.2300', pg: '1.23', coerced: true },
  { pgType: 'numeric', sqliteType: 'REAL', sqlite: 1e-7, pg: '0.0000001' },
  { pgType: 'numeric', sqliteType: 'REAL', sqlite: 1.5e22, pg: '15000000000000000000000' },
  { pgType: 'text', sqliteType: 'TEXT', sqlite: 'Zoë 日本 \u{1F600} "quoted" \\ back', pg: 'Zoë 日本 \u{1F600} "quoted" \\ back' },
  { pgType: 'text', sqliteType: 'TEXT', sqlite: '', pg: '' },
  { pgType: 'character varying(10)', sqliteType: 'VARCHAR(10)', sqlite: 'abc', pg: 'abc' },
  { pgType: 'bytea', sqliteType: 'BLOB', sqlite: Buffer.from([0, 1, 254, 255]), pg: '\\x0001feff' },
  { pgType: 'uuid', sqliteType: 'TEXT', sqlite: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', pg: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { pgType: 'uuid', sqliteType: 'BLOB', sqlite: Buffer.from('a0eebc999c0b4ef8bb6d6bb9bd380a11', 'hex'), pg: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', coerced: true },
  { pgType: 'timestamp without time zone', sqliteType: 'TEXT', sqlite: '2024-01-02 03:04:05', pg: '2024-01-02 03:04:05' },
  { pgType: 'timestamp without time zone', sqliteType: 'TEXT', sqlite: '2024-01-02T03:04:05.123456', pg: '2024-01-02 03:04:05.123456' },
  { pgType: 'timestamp with time zone', sqliteType: 'TEXT', sqlite: '2024-06-30T23:59:59.5+02:00', pg: '2024-06-30 23:59:59.5+02' },
  { pgType: 'timestamp with time zone', sqliteType: 'TEXT', sqlite: '0099-03-01 00:00:00Z', pg: '0099-03-01 00:00:00+00' },
  { pgType: 'timestamp with time zone', sqliteType: 'INTEGER', sqlite: 1700000000n, pg: '2023-11-14 22:13:20+00', datetime: 'unix-seconds' },
  { pgType: 'timestamp with time zone', sqliteType: 'INTEGER', sqlite: 1700000000123n, pg: '2023-11-14 22:13:20.123+00', datetime: 'unix-ms' },
  { pgType: 'timestamp without time zone', sqliteType: 'REAL', sqlite: 2460310.5, pg: '2024-01-01 00:00:00', datetime: 'julian-day' },
  { pgType: 'timestamp with time zone', sqliteType: 'TEXT', sqlite: '1969-12-31 23:59:59.999999Z', pg: '1969-12-31 23:59:59.999999+00' },
  { pgType: 'timestamp without time zone', sqliteType: 'TEXT', sqlite: '2024-02-29T23:59', pg: '2024-02-29 23:59:00' },
  { pgType: 'timestamp with time zone', sqliteType: 'TEXT', sqlite: '2024-01-02T03:04:05.1234567Z', pg: '2024-01-02 03:04:05.123457+00' },
  { pgType: 'timestamp without time zone', sqliteType: 'TEXT', sqlite: '2024-05-06', pg: '2024-05-06 00:00:00' },
  { pgType: 'jsonb', sqliteType: 'JSON', sqlite: '{"b": [1.10, 2e1], "a": "é", "b": {"z": null}}', pg: '{"b": [1.10, 2e1], "a": "é", "b": {"z": null}}' },
  { pgType: 'json', sqliteType: 'TEXT', sqlite: '{"b":1,"a":2}', pg: '{"b":1,"a":2}' },
  { pgType: 'jsonb', sqliteType: 'NUMERIC', sqlite: 42n, pg: '42', coerced: true },
  { pgType: 'date', sqliteType: 'TEXT', sqlite: '2024-02-29', pg: '2024-02-29' },
  { pgType: 'date', sqliteType: 'INTEGER', sqlite: 1709164800n, pg: '2024-02-29', datetime: 'unix-seconds' },
  { pgType: 'timestamp with time zone', sqliteType: 'INTEGER', sqlite: 1700000000n, pg: '2023-11-14 22:13:20+00' },
];

let work: string;
let server: LocalServer;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-sqlite-forms-'));
  server = await LocalServer.start({ version: '17', name: 'sqlite-forms' });
});
afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('portable forms: PostgreSQL and a SQLite file give one text per value', () => {
  it('for integers, booleans, floats, numerics, texts, bytes, UUIDs and timestamps in every encoding', async () => {
    const db = new Database(join(work, 'forms.db'));
    db.defaultSafeIntegers(true);
    db.exec(`CREATE TABLE v (i INTEGER PRIMARY KEY, ${CASES.map((c, i) => `c${i} ${c.sqliteType}`).join(', ')})`);
    db.prepare(`INSERT INTO v VALUES (1, ${CASES.map(() => '?').join(', ')})`).run(...CASES.map((c) => c.sqlite));
    const row = db.prepare('SELECT * FROM v').get() as Record<string, SqliteValue>;
    db.close();
    await using pg = await server.admin();
    const results = [];
    for (const [i, c] of CASES.entries()) {
      const form = portableForm(c.pgType, c.datetime ? { datetime: c.datetime } : {});
      if (!form) throw new Error(`no form for ${c.pgType}`);
      const [{ t } = { t: undefined }] = await pg.query<{ t: string | null }>(`SELECT ${form.pgSql('v')} AS t FROM (SELECT $1::${c.pgType} AS v) s`, [c.pg]);
      const node = form.fromSqlite(row[`c${i}`] ?? null);
      results.push({ case: `${c.pgType} from ${c.sqliteType} ${String(c.sqlite)}`, pg: t, node: 'text' in node ? node.text : node, coerced: 'coerced' in node });
    }
    expect(results.filter((r) => r.pg !== r.node)).toEqual([]);
    expect(results.filter((r, i) => r.coerced !== (CASES[i]?.coerced ?? false)).map((r) => r.case)).toEqual([]);
  });

  it('says which values have no form, and never drops them', () => {
    expect(portableForm('integer')?.fromSqlite('abc')).toEqual({ unreadable: 'the text "abc" is not an integer' });
    expect(portableForm('boolean')?.fromSqlite(2n)).toEqual({ unreadable: 'the integer 2 is not a boolean (0 or 1)' });
    expect(portableForm('timestamp with time zone')?.fromSqlite('yesterday')).toMatchObject({ unreadable: expect.stringContaining('is not a date and time (ISO 8601 text or a number expected)') });
    expect(portableForm('jsonb')?.fromSqlite('{"a": }')).toEqual({ unreadable: 'the text "{\\"a\\": }" is not JSON: a value expected at character 7' });
    expect(portableForm('timestamp without time zone')?.fromSqlite('2023-02-29 10:00:00')).toEqual({ unreadable: 'the text "2023-02-29 10:00:00" is not a date and time (no such day)' });
    expect(portableForm('interval')).toBeUndefined();
    expect(['1.500', '-0.0', '00012', '1e3', '-2.5E-3', '.5'].map(normaliseDecimal)).toEqual(['1.5', '0', '12', '1000', '-0.0025', '0.5']);
  });
});
