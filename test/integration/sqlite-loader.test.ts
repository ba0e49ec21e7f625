import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { loadSqlite, type LoadResult } from '../../scenarios/sqlite/builtin-loader.js';
import { pgTypeOfDeclared } from '../../scenarios/sqlite/column-mapping.js';
import { writeSampleSqlite } from '../../scenarios/sqlite/sample-database.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';

/**
 * cutover's sample SQLite database (a Python app's: 0/1 booleans, ISO and unix-seconds times, JSON
 * text, an FTS5 index) loaded by the built-in loader into a real PostgreSQL 17, then validated row
 * by row: nothing differs, the types are what the declared types meant, full-text search finds the
 * same rows, and the file is never written.
 */

const RESOURCES = 2_000;
let work: string;
let file: string;
let server: LocalServer;
let result: LoadResult;
const lines: string[] = [];
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');
let before: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-sqlite-loader-'));
  file = join(work, 'app.db');
  writeSampleSqlite(file, { resources: RESOURCES });
  before = await sha256(file);
  server = await LocalServer.start({ version: '17', name: 'sqlite-loader' });
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE app');
  await admin.query('CREATE DATABASE edge');
  result = await loadSqlite({ source: parseSqliteLocation(`sqlite:${file}`, work)!, target: server.endpoint('app'), log: (l) => lines.push(l) });
});
afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('declared types', () => {
  it('map to the PostgreSQL type they mean, not to their SQLite affinity', () => {
    const declared = ['INTEGER', 'BIGINT', 'UNSIGNED BIG INT', 'TINYINT', 'BOOLEAN', 'BOOL', 'DATETIME', 'TIMESTAMP', 'DATE', 'JSON', 'JSONB', 'UUID', 'REAL', 'FLOAT', 'DOUBLE PRECISION', 'NUMERIC(10,2)', 'DECIMAL', 'BLOB', 'TEXT', 'VARCHAR(255)', 'NCHAR(5)', 'CLOB', '', 'POINT', 'INTERVAL', 'TIME'];
    expect(Object.fromEntries(declared.map((d) => [d, pgTypeOfDeclared(d)]))).toEqual({
      INTEGER: 'bigint', BIGINT: 'bigint', 'UNSIGNED BIG INT': 'bigint', TINYINT: 'bigint', BOOLEAN: 'boolean', BOOL: 'boolean',
      DATETIME: 'timestamp with time zone', TIMESTAMP: 'timestamp with time zone', DATE: 'date', JSON: 'jsonb', JSONB: 'jsonb', UUID: 'uuid',
      REAL: 'double precision', FLOAT: 'double precision', 'DOUBLE PRECISION': 'double precision', 'NUMERIC(10,2)': 'numeric', DECIMAL: 'numeric',
      BLOB: 'bytea', TEXT: 'text', 'VARCHAR(255)': 'text', 'NCHAR(5)': 'text', CLOB: 'text', '': 'text', POINT: 'text', INTERVAL: 'text', TIME: 'text',
    });
  });
});

describe('the sample database', () => {
  it('is the same bytes for the same size, says what it wrote, and never overwrites a file', async () => {
    const [a, b] = [join(work, 'a.db'), join(work, 'b.db')];
    const written = writeSampleSqlite(a, { resources: 300 });
    writeSampleSqlite(b, { resources: 300 });
    expect(await sha256(a)).toBe(await sha256(b));
    const db = new Database(a, { readonly: true });
    const counted = written.tables.map((t) => ({ name: t.name, rows: (db.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n }));
    const nulls = db.prepare(`SELECT count(*) FILTER (WHERE body IS NULL) AS body, count(*) FILTER (WHERE thumbnail IS NULL) AS thumbnail, count(*) FILTER (WHERE title GLOB '*[^ -~]*') AS nonAscii FROM resources`).get() as Record<string, number>;
    db.close();
    expect(written.tables).toEqual(counted);
    expect(written.tables.map((t) => t.name)).toEqual(['resource_tags', 'resources', 'tags', 'users']);
    expect(nulls.body).toBeGreaterThan(0);
    expect(nulls.thumbnail).toBeGreaterThan(0);
    expect(nulls.nonAscii).toBeGreaterThan(0);
    expect(() => writeSampleSqlite(a)).toThrow(/already exists/);
  });
});

describe('the built-in SQLite → PostgreSQL loader on the sample database', () => {
  it('loads every table, and validation finds zero differences on each', async () => {
    const sample = new Database(file, { readonly: true });
    const count = (t: string): number => (sample.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const expected = ['users', 'resources', 'tags', 'resource_tags'].map((t) => [t, count(t)]);
    sample.close();
    expect(result.tables.map((t) => [t.name, t.rows]).sort()).toEqual(expected.sort());
    expect(result.datetime).toEqual({ 'resources.updated_at': 'unix-seconds' });
    expect(lines.filter((l) => / rows in \d/.test(l))).toHaveLength(4);

    const validation = await validateSqlite({ source: parseSqliteLocation(`sqlite:${file}`, work)!, target: server.endpoint('app'), datetime: result.datetime });
    expect(validation.tables.map((t) => [t.table, t.status, t.sourceRows, t.targetRows, t.missing, t.extra, t.changed])).toEqual(
      [...expected].sort().map(([t, n]) => [`public.${t}`, 'equal', n, n, 0, 0, 0]),
    );
    expect(validation.outcome).toBe('equal');
    // Nothing was read through SQLite's affinity: each value is in the storage class its declared type means.
    expect(validation.tables.flatMap((t) => t.notes)).toEqual([]);
    expect(validation.summary).toMatchObject({ different: 0, missing: 0, errors: 0 });
    expect(validation.notes).toEqual(['full-text indexes of the file, rebuilt in PostgreSQL and not copied, not compared: resources_fts']);
  });

  it('gives each column the type its declared type meant, with keys, unique constraints, indexes and foreign keys', async () => {
    await using pg = await server.admin('app');
    const types = await pg.query<{ c: string; t: string; n: boolean }>(
      `SELECT table_name || '.' || column_name AS c, data_type AS t, is_nullable = 'NO' AS n FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    );
    const byColumn = Object.fromEntries(types.map((r) => [r.c, r.t]));
    expect(byColumn).toMatchObject({
      'users.id': 'bigint',
      'users.is_admin': 'boolean',
      'users.created_at': 'timestamp with time zone',
      'resources.uuid': 'uuid',
      'resources.subjects': 'jsonb',
      'resources.embedding': 'jsonb',
      'resources.is_public': 'boolean',
      'resources.score': 'double precision',
      'resources.created_at': 'timestamp with time zone',
      'resources.updated_at': 'timestamp with time zone',
      'resources.thumbnail': 'bytea',
      'resources.title': 'text',
    });
    expect(types.filter((r) => r.n).map((r) => r.c)).toEqual(expect.arrayContaining(['users.email', 'resources.title', 'resources.is_public', 'resource_tags.tag_id']));
    expect(result.mapping.find((m) => m.table === 'resources' && m.column === 'updated_at')).toEqual({ table: 'resources', column: 'updated_at', declared: 'TIMESTAMP', pgType: 'timestamp with time zone', datetime: 'unix-seconds' });
    const constraints = await pg.query<{ d: string }>(`SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f') ORDER BY 1`);
    expect(constraints.map((c) => c.d)).toEqual([
      'resource_tags FOREIGN KEY (resource_id) REFERENCES resources(id)',
      'resource_tags FOREIGN KEY (tag_id) REFERENCES tags(id)',
      'resource_tags PRIMARY KEY (resource_id, tag_id)',
      'resources FOREIGN KEY (owner_id) REFERENCES users(id)',
      'resources PRIMARY KEY (id)',
      'resources UNIQUE (uuid)',
      'tags PRIMARY KEY (id)',
      'tags UNIQUE (name)',
      'users PRIMARY KEY (id)',
      'users UNIQUE (email)',
    ]);
    expect(result.foreignKeys.every((f) => f.status === 'valid')).toBe(true);
    const [admin] = await pg.query<{ d: string }>(`SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'is_admin'`);
    expect(admin?.d).toBe('false');
    const [owner] = await pg.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_resources_owner_id'`);
    expect(owner?.indexdef).toMatch(/USING btree \(owner_id\)/);
    // The INTEGER PRIMARY KEY keeps numbering new rows after the loaded ones, as SQLite did.
    const [added] = await pg.query<{ id: string }>(`INSERT INTO tags (name) VALUES ('added after the load') RETURNING id::text AS id; `);
    expect(added?.id).toBe('21');
    await pg.query(`DELETE FROM tags WHERE id = 21`);
  });

  it('rebuilds the FTS5 table as a GIN index that finds the rows FTS5 MATCH finds', async () => {
    expect(result.fullText).toEqual([{ name: 'resources_fts', index: 'resources_fts_idx', table: 'resources', expression: expect.stringContaining("to_tsvector('simple'") }]);
    const fts = result.fullText[0]!;
    const sample = new Database(file, { readonly: true });
    const expected = (sample.prepare(`SELECT rowid AS id FROM resources_fts WHERE resources_fts MATCH 'postgres' ORDER BY rowid`).all() as { id: number }[]).map((r) => String(r.id));
    sample.close();
    expect(expected.length).toBeGreaterThanOrEqual(20);
    expect(expected.length).toBeLessThan(RESOURCES / 10);
    await using pg = await server.admin('app');
    await pg.query('SET enable_seqscan = off');
    const query = `SELECT id::text AS id FROM resources WHERE ${fts.expression} @@ to_tsquery('simple', 'postgres') ORDER BY resources.id`;
    const plan = await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`);
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('Bitmap Index Scan on resources_fts_idx');
    expect((await pg.query<{ id: string }>(query)).map((r) => r.id)).toEqual(expected);
  });

  it('never writes the SQLite file', async () => {
    expect(await sha256(file)).toBe(before);
  });

  it('refuses, naming the table and the schema, a target where a table already exists', async () => {
    const load = loadSqlite({ source: parseSqliteLocation(`sqlite:${file}`, work)!, target: server.endpoint('app') });
    await expect(load).rejects.toThrow(CutoverError);
    await expect(load).rejects.toMatchObject({ code: 'usage', shortMessage: expect.stringMatching(/^a table named resource_tags already exists in schema public of postgres@127\.0\.0\.1:\d+\/app: the load creates its own tables/) });
  });

  it('creates a missing schema, keeps a file with orphans loadable (the key NOT VALID), and takes per-column overrides', async () => {
    const odd = join(work, 'odd.db');
    const db = new Database(odd);
    // An application that never turned foreign keys on (SQLite's default; better-sqlite3 turns them on).
    db.pragma('foreign_keys = OFF');
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
      CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), seen_ms TIMESTAMP, amount TEXT);
      INSERT INTO parent VALUES (1, 'a');
      INSERT INTO child VALUES (1, 1, 1700000000123, '12.50'), (2, 99, NULL, NULL);
      CREATE TABLE loose (code TEXT PRIMARY KEY, flag BOOLEAN DEFAULT 1, note TEXT DEFAULT 'n''a', made DATETIME DEFAULT CURRENT_TIMESTAMP, n INTEGER DEFAULT (abs(-1)));
      INSERT INTO loose (code) VALUES (NULL), ('a');`);
    db.close();
    const log: string[] = [];
    const r = await loadSqlite({
      source: parseSqliteLocation(`sqlite:${odd}`, work)!,
      target: server.endpoint('edge'),
      schema: 'From SQLite',
      columns: { 'child.seen_ms': { datetime: 'unix-ms' }, 'child.amount': { type: 'numeric(12,2)' } },
      log: (l) => log.push(l),
    });
    expect(r.foreignKeys).toMatchObject([{ table: 'child', parent: 'parent', status: 'not-valid' }]);
    expect(log.join('\n')).toMatch(/schema From SQLite created/);
    expect(log.join('\n')).toMatch(/child: foreign key \(parent_id\) → parent: rows of child reference no row of parent .*NOT VALID/);
    expect(r.datetime).toEqual({ 'child.seen_ms': 'unix-ms' });
    // A rowid table's PRIMARY KEY may hold NULLs in SQLite: the rows are loaded, the key left out and said.
    expect(log.join('\n')).toMatch(/loose: primary key \(code\) not created: the file's rows break it/);
    expect(log.join('\n')).toMatch(/loose\.n: default not carried over: the expression abs\(-1\) is SQLite SQL/);
    await using pg = await server.admin('edge');
    const defaults = await pg.query<{ c: string; d: string }>(`SELECT column_name AS c, column_default AS d FROM information_schema.columns WHERE table_schema = 'From SQLite' AND table_name = 'loose' AND column_default IS NOT NULL ORDER BY 1`);
    expect(defaults).toEqual([
      { c: 'flag', d: 'true' },
      { c: 'made', d: 'now()' },
      { c: 'note', d: `'n''a'::text` },
    ]);
    const [row] = await pg.query<{ seen: string; amount: string; t: string }>(`SELECT to_char(seen_ms AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS seen, amount::text AS amount, pg_typeof(amount)::text AS t FROM "From SQLite".child WHERE id = 1`);
    expect(row).toEqual({ seen: '2023-11-14 22:13:20.123', amount: '12.50', t: 'numeric' });
    const validation = await validateSqlite({ source: parseSqliteLocation(`sqlite:${odd}`, work)!, target: server.endpoint('edge'), targetSchema: 'From SQLite', datetime: r.datetime });
    expect(validation.outcome).toBe('equal');
    await expect(loadSqlite({ source: parseSqliteLocation(`sqlite:${odd}`, work)!, target: server.endpoint('edge'), columns: { 'child.nope': { type: 'text' } } })).rejects.toMatchObject({
      code: 'usage',
      shortMessage: 'columns["child.nope"]: no such column in the file (expected TABLE.COLUMN of a table it holds)',
    });
    await expect(loadSqlite({ source: parseSqliteLocation(`sqlite:${odd}`, work)!, target: server.endpoint('edge'), schema: 'other', columns: { 'child.amount': { type: 'money; DROP TABLE x' } } })).rejects.toMatchObject({
      code: 'usage',
      shortMessage: 'columns["child.amount"].type: expected a PostgreSQL type name such as "text" or "numeric(12,2)", got "money; DROP TABLE x"',
    });
    await expect(loadSqlite({ source: parseSqliteLocation(`sqlite:${odd}`, work)!, target: server.endpoint('edge'), schema: 'other', columns: { 'child.amount': { type: 'moneybags' } } })).rejects.toMatchObject({
      code: 'usage',
      shortMessage: 'columns["child.amount"].type: PostgreSQL has no type "moneybags"',
    });
  });

  it('stops when its signal aborts: the tables loaded before stay, the one after is never created', async () => {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE aborted');
    const controller = new AbortController();
    const reason = new CutoverError('interrupted', 'interrupted by the test');
    const load = loadSqlite({
      source: parseSqliteLocation(`sqlite:${file}`, work)!,
      target: server.endpoint('aborted'),
      signal: controller.signal,
      log: (l) => {
        if (l.startsWith('resource_tags: ') && l.includes(' rows in ')) controller.abort(reason);
      },
    });
    await expect(load).rejects.toBe(reason);
    await using pg = await server.admin('aborted');
    expect((await pg.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.t)).toEqual(['resource_tags']);
  });

  it("loads the values SQLite's affinity lets into any column so that validation still finds them equal", async () => {
    const mixed = join(work, 'mixed.db');
    const db = new Database(mixed);
    db.exec(`CREATE TABLE mixed (id INTEGER PRIMARY KEY, i BIGINT, f DOUBLE, n DECIMAL(10,2), t VARCHAR(10), b BOOLEAN, d DATE, ts DATETIME, jd TIMESTAMP, j JSON, u UUID, bl BLOB, x);`);
    const insert = db.prepare('INSERT INTO mixed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const rows: unknown[][] = [
      [1, 9223372036854775807n, -0.0, 1.1, 'a longer text than ten', 'true', '2024-02-29', '2024-01-01T10:00:00Z', 2460000.5, '{"b": 1, "a": [1.50, 2e3]}', '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', Buffer.from([0, 1, 2]), 'anything'],
      [2, '42', 1e300, 1234567890123456789n, 7, 0, 1_700_000_000, '2024-06-30 23:59:59.123456+02:00', 2451545.0, 3.25, Buffer.from('a0eebc999c0b4ef8bb6d6bb9bd380a11', 'hex'), 'text as bytes', 2.5],
      [3, 3.0, 5n, '0.000', 'ünïcödé ✓', 'no', '2000-01-01 12:00:00', 1_700_000_000.25, null, '"just a string"', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null, Buffer.from('bytes')],
      [4, null, null, null, null, null, null, null, null, null, null, null, null],
    ];
    db.transaction(() => rows.forEach((r) => insert.run(...r)))();
    db.close();
    const r = await loadSqlite({ source: parseSqliteLocation(`sqlite:${mixed}`, work)!, target: server.endpoint('edge'), schema: 'mixed', columns: { 'mixed.jd': { datetime: 'julian-day' } } });
    expect(r.mapping.map((m) => [m.column, m.pgType])).toEqual([
      ['id', 'bigint'], ['i', 'bigint'], ['f', 'double precision'], ['n', 'numeric'], ['t', 'text'], ['b', 'boolean'], ['d', 'date'],
      ['ts', 'timestamp with time zone'], ['jd', 'timestamp with time zone'], ['j', 'jsonb'], ['u', 'uuid'], ['bl', 'bytea'], ['x', 'text'],
    ]);
    expect(r.datetime).toEqual({ 'mixed.d': 'unix-seconds', 'mixed.ts': 'unix-seconds', 'mixed.jd': 'julian-day' });
    const validation = await validateSqlite({ source: parseSqliteLocation(`sqlite:${mixed}`, work)!, target: server.endpoint('edge'), targetSchema: 'mixed', datetime: r.datetime });
    expect(validation.tables.map((t) => [t.table, t.status, t.sourceRows, t.changed, t.missing, t.extra])).toEqual([['mixed.mixed', 'equal', 4, 0, 0, 0]]);
    expect(validation.tables[0]?.notes).toContain("column u: 1 value(s) read through SQLite's type affinity (a 16-byte BLOB read as a UUID)");
  });

  it('refuses a value its column cannot hold, naming the table, the column and the row', async () => {
    const bad = join(work, 'bad.db');
    const db = new Database(bad);
    db.exec(`CREATE TABLE flags (id INTEGER PRIMARY KEY, flag BOOLEAN); INSERT INTO flags VALUES (1, 1), (2, 7);`);
    db.close();
    await expect(loadSqlite({ source: parseSqliteLocation(`sqlite:${bad}`, work)!, target: server.endpoint('edge'), schema: 'bad' })).rejects.toMatchObject({
      code: 'input',
      shortMessage: 'flags.flag, row 2 (id=2): the integer 7 is not a boolean (0 or 1), which a boolean column cannot hold; load it as another type with columns["flags.flag"].type',
    });
    // The table's transaction was rolled back: nothing half-loaded stays.
    await using pg = await server.admin('edge');
    expect(await pg.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'bad'`)).toEqual([]);
  });
});
