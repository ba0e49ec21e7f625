import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import { findPgloader, loadCommand, PGLOADER_NOT_FOUND, runPgloader, type PgloaderResult } from '../../scenarios/sqlite/pgloader-loader.js';
import { lostIntent } from '../../validate/sqlite-plan.js';
import { CutoverError } from '../../core/errors.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';
import { dataFindings } from '../../validate/data-findings.js';
import type { TableResult, ValidationResult } from '../../validate/result.js';

/**
 * pgloader 3.6.9 (Debian's package; it calls itself 3.6.7~devel) loading an app's SQLite file
 * with the command file a team writes, then cutover's validation of what it loaded. What pgloader
 * does to each declared type, pinned here and found by the validation:
 * - BOOLEAN -> boolean, DATETIME -> timestamptz, TIMESTAMP -> timestamp, JSON -> json, UUID ->
 *   uuid, BLOB -> bytea: the intent kept. REAL -> real: SQLite's 8-byte double rounded to 4 bytes
 *   (a `type-lost` warning; the values compare equal after the same rounding).
 * - An INTEGER in a DATETIME or TIMESTAMP column is read as a YEAR ("1700000060-01-01"): out of
 *   range, so the COPY of the whole batch fails and every row of the table is lost, while pgloader
 *   exits 0. The integer 0 becomes NULL silently. The usual workaround casts the column to bigint:
 *   the datetimes are then kept as numbers (`type-lost`).
 * - Zone-less texts in a DATETIME column are read in the database's TimeZone.
 * - No primary key, unique index, index or NOT NULL is created, so the foreign key fails too.
 * - The FTS5 index is copied as tables: the virtual table and its shadow tables.
 */

const USERS = 300;
const POSTS = 600;
let work: string;
let source: SqliteLocation;
let sha: string;
let server: LocalServer;

const digest = async (): Promise<string> => createHash('sha256').update(await readFile(source.path)).digest('hex');

describe.skipIf(!findPgloader())('pgloader 3.6.9 loads an app SQLite file (needs pgloader: scripts/pgloader.sh)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cutover-pgloader-test-'));
    source = parseSqliteLocation(`sqlite:${join(work, 'app.db')}`, work)!;
    const db = new Database(source.path);
    db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, is_admin BOOLEAN NOT NULL DEFAULT 0, created_at DATETIME NOT NULL,
        updated_at TIMESTAMP, subjects JSON, public_id UUID NOT NULL, score REAL, avatar BLOB);
      CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT NOT NULL, body TEXT, published_at DATETIME);
      CREATE INDEX posts_user ON posts (user_id);
      CREATE VIRTUAL TABLE posts_fts USING fts5 (title, body, content='posts', content_rowid='id');`);
    const user = db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const post = db.prepare('INSERT INTO posts (user_id, title, body, published_at) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= USERS; i++) {
        const created = new Date(Date.UTC(2024, 0, 1) + i * 3_600_123).toISOString().replace('T', ' ').replace('Z', '');
        const uuid = `${i.toString(16).padStart(8, '0')}-1b7d-4c7a-9a55-0e2d3c4b5a69`;
        user.run(i, `user${i}@example.com`, i % 7 === 0 ? 1 : 0, created, 1_700_000_000 + i * 60, i % 5 === 0 ? null : JSON.stringify({ b: i, a: ['x', i % 3] }), uuid, i / 3, i % 4 === 0 ? null : Buffer.from([i % 256, 0, 255]));
      }
      for (let i = 1; i <= POSTS; i++) {
        const published = i % 50 === 0 ? 0 : new Date(Date.UTC(2024, 5, 1) + i * 1_000).toISOString().slice(0, 19).replace('T', ' ');
        post.run(((i - 1) % USERS) + 1, `post ${i} — é`, `body ${i}`, published);
      }
    })();
    db.exec(`INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')`);
    db.close();
    sha = await digest();
    server = await LocalServer.start({ version: '17', name: 'pgloader' });
    await using admin = await server.admin();
    for (const db of ['app_defaults', 'app_cast']) await admin.query(`CREATE DATABASE ${db}`);
  });
  afterAll(async () => {
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const result = (v: ValidationResult, name: string): TableResult => {
    const t = v.tables.find((x) => x.table === name);
    if (!t) throw new Error(`no result for ${name}`);
    return t;
  };
  const counts = (r: PgloaderResult): Record<string, [number, number]> => Object.fromEntries(r.tables.map((t) => [t.name, [t.rows, t.errors]]));
  const SHADOWS = ['posts_fts_config', 'posts_fts_data', 'posts_fts_docsize', 'posts_fts_idx'];
  const shadowResults = (v: ValidationResult, schema: string): [string, string, string | undefined][] =>
    SHADOWS.map((n) => [`${schema}.${n}`, result(v, `${schema}.${n}`).status, result(v, `${schema}.${n}`).reason]);
  const shadowReason = "only in PostgreSQL: a copy of a shadow table of the file's full-text index posts_fts (fts5), SQLite's internal index data, not the app's; drop it";
  const REAL_LOST = "8-byte floats kept as real (4 bytes): values rounded to about 7 digits, compared after PostgreSQL's rounding";
  const NUMBERS_LOST = 'datetimes kept as numbers (compared as numbers, no time zone or unit checked)';

  it("default rules: INTEGER unix times in a TIMESTAMP column read as years lose every users row, pgloader exits 0; the validation finds it all", async () => {
    const lines: string[] = [];
    const logFile = join(work, 'defaults.log');
    const r = await runPgloader({ source, target: server.endpoint('app_defaults'), logFile, log: (l) => lines.push(l) });
    expect(r.version).toBe('3.6.7~devel');
    // The whole users batch failed on its first row's updated_at (1_700_000_060 read as a year).
    // The FTS5 index comes along: the virtual table (its 600 rows of text) and its shadow tables (SQLite's index data).
    const shadowRows = [expect.any(Number), 0];
    expect(counts(r)).toEqual({ users: [0, 1], posts: [POSTS, 0], posts_fts: [POSTS, 0], posts_fts_data: shadowRows, posts_fts_docsize: [POSTS, 0], posts_fts_idx: shadowRows, posts_fts_config: [1, 0] });
    expect(r.errorLines).toEqual([
      'Database error 22008: timestamp out of range: "1700000060-01-01"',
      'PostgreSQL Database error 42830: there is no unique constraint matching given keys for referenced table "users"',
    ]);
    expect(r.steps.find((s) => s.name === 'Create Foreign Keys')).toEqual({ name: 'Create Foreign Keys', rows: 0, errors: 1 });
    expect(lines.filter((l) => l.endsWith(' LOG report summary reset'))).toHaveLength(1);
    expect(await readFile(logFile, 'utf8')).toContain('timestamp out of range');

    const v = await validateSqlite({ source, target: server.endpoint('app_defaults') });
    expect(v.outcome).toBe('different');
    expect(v.tables.map((t) => t.table)).toEqual(['public.posts', ...SHADOWS.map((n) => `public.${n}`), 'public.users']);
    expect(result(v, 'public.users')).toMatchObject({ status: 'different', sourceRows: USERS, targetRows: 0, missing: USERS, changed: 0, key: ['id'] });
    // The integer 0 in the DATETIME column (an app's "not published") became NULL: every 50th post.
    const posts = result(v, 'public.posts');
    expect(posts).toMatchObject({ status: 'different', sourceRows: POSTS, targetRows: POSTS, missing: 0, extra: 0, changed: POSTS / 50 });
    expect(posts.changedRows[0]).toEqual({ key: { id: '50' }, columns: [{ column: 'published_at', source: { text: '0' }, target: { text: null } }] });
    expect(shadowResults(v, 'public')).toEqual(SHADOWS.map((n) => [`public.${n}`, 'missing', shadowReason]));
    // The virtual table itself, copied as a table of 600 rows, goes under the name of the rebuilt index.
    expect(v.notes).toEqual(['full-text indexes of the file, rebuilt in PostgreSQL and not copied, not compared: posts_fts']);
    const findings = dataFindings(v);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['data/public.posts/changed', 'fail'],
      ...SHADOWS.map((n) => [`data/public.${n}/table-missing`, 'fail']),
      ['data/public.users/missing', 'fail'],
      ['data/public.users/type-lost', 'warn'],
    ]);
    expect(findings.find((f) => f.id === 'data/public.users/type-lost')?.details).toEqual({ columns: [{ column: 'score', declared: 'REAL', targetType: 'real', lost: REAL_LOST }] });
    expect(await digest()).toBe(sha);
  });

  it("the usual workaround, CAST type timestamp to bigint: users loads equal, and type-lost names updated_at (datetimes kept as numbers) and score (REAL as real)", async () => {
    {
      await using admin = await server.admin();
      await admin.query(`ALTER DATABASE app_cast SET TimeZone TO 'UTC'`);
    }
    const r = await runPgloader({ source, target: server.endpoint('app_cast'), logFile: join(work, 'cast.log'), cast: ['type timestamp to bigint drop typemod'] });
    expect(counts(r)).toMatchObject({ users: [USERS, 0], posts: [POSTS, 0] });
    const v = await validateSqlite({ source, target: server.endpoint('app_cast') });
    const users = result(v, 'public.users');
    expect(users).toMatchObject({ status: 'equal', sourceRows: USERS, targetRows: USERS });
    expect(users.notes).toEqual([
      `column updated_at: declared TIMESTAMP in SQLite, bigint in PostgreSQL: type lost, ${NUMBERS_LOST}`,
      `column score: declared REAL in SQLite, real in PostgreSQL: type lost, ${REAL_LOST}`,
    ]);
    const findings = dataFindings(v);
    const lost = findings.find((f) => f.id === 'data/public.users/type-lost');
    expect(lost).toMatchObject({ severity: 'warn', object: 'public.users' });
    expect(lost?.details).toEqual({
      columns: [
        { column: 'updated_at', declared: 'TIMESTAMP', targetType: 'bigint', lost: NUMBERS_LOST },
        { column: 'score', declared: 'REAL', targetType: 'real', lost: REAL_LOST },
      ],
    });
    // Nothing else about users: is_admin, created_at, subjects, public_id and avatar kept their intent and values.
    expect(findings.filter((f) => f.object === 'public.users').map((f) => f.id)).toEqual(['data/public.users/type-lost']);
    expect(result(v, 'public.posts')).toMatchObject({ status: 'different', changed: POSTS / 50 });
    await using pg = await server.admin('app_cast');
    const types = await pg.query<{ attname: string; type: string }>(`SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 ORDER BY attnum`);
    expect(Object.fromEntries(types.map((t) => [t.attname, t.type]))).toEqual({
      id: 'bigint', email: 'text', is_admin: 'boolean', created_at: 'timestamp with time zone', updated_at: 'bigint', subjects: 'json', public_id: 'uuid', score: 'real', avatar: 'bytea',
    });
    // What "compared after PostgreSQL's rounding" hides: 1/3 stored as float4.
    expect(await pg.query(`SELECT score::float8 AS score, subjects::text AS subjects FROM users WHERE id = 1`)).toEqual([{ score: Math.fround(1 / 3), subjects: '{"b":1,"a":["x",1]}' }]);
    // No key, unique index, index or NOT NULL of the file was created (posts.id is NOT NULL as a bigserial).
    expect(await pg.query(`SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace`)).toEqual([]);
    expect(await pg.query(`SELECT indexrelid FROM pg_index WHERE indrelid IN ('users'::regclass, 'posts'::regclass)`)).toEqual([]);
    expect(await pg.query(`SELECT attrelid::regclass::text AS t, attname FROM pg_attribute WHERE attrelid IN ('users'::regclass, 'posts'::regclass) AND attnum > 0 AND attnotnull`)).toEqual([{ t: 'posts', attname: 'id' }]);
    expect(await digest()).toBe(sha);
  });

  it("a database whose TimeZone is Asia/Tokyo: zone-less DATETIME texts read as Tokyo time, every row 9 hours off (and the schema option)", async () => {
    {
      await using admin = await server.admin();
      await admin.query('CREATE DATABASE app_tokyo');
      await admin.query(`ALTER DATABASE app_tokyo SET TimeZone TO 'Asia/Tokyo'`);
    }
    const r = await runPgloader({ source, target: server.endpoint('app_tokyo'), schema: 'app', logFile: join(work, 'tokyo.log'), cast: ['type timestamp to bigint drop typemod'] });
    expect(counts(r)).toMatchObject({ users: [USERS, 0], posts: [POSTS, 0] });
    const v = await validateSqlite({ source, target: server.endpoint('app_tokyo'), targetSchema: 'app' });
    const users = result(v, 'app.users');
    expect(users).toMatchObject({ status: 'different', changed: USERS, missing: 0 });
    expect(users.changedRows[0]).toEqual({ key: { id: '1' }, columns: [{ column: 'created_at', source: { text: '2024-01-01 01:00:00.123' }, target: { text: '2023-12-31 16:00:00.123+00' } }] });
    expect(result(v, 'app.posts')).toMatchObject({ status: 'different', changed: POSTS });
    expect(shadowResults(v, 'app')).toEqual(SHADOWS.map((n) => [`app.${n}`, 'missing', shadowReason]));
    expect(await digest()).toBe(sha);
  });

  it('failures: a wrong password is a connect error naming the exit code, never the password; FATAL with exit 0 is an error; an abort kills pgloader; none on PATH is a usage error', async () => {
    const secret = 'wrong-Secret-4711';
    const logFile = join(work, 'failed.log');
    const failed = await runPgloader({ source, target: { ...server.endpoint('app_defaults'), password: secret }, logFile }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CutoverError);
    const e = failed as CutoverError;
    expect(e.code).toBe('connect');
    expect(e.shortMessage).toMatch(/^pgloader exited with 1: .*password authentication failed for user "postgres"/);
    expect(e.tool?.exitCode).toBe(1);
    expect(`${e.message}${e.tool?.stderrTail ?? ''}${await readFile(logFile, 'utf8')}`).not.toContain(secret);

    // A column default SQLite evaluates (datetime('now')) fails pgloader's CREATE TABLE: FATAL, yet exit 0.
    const fatalFile = join(work, 'defaults.db');
    const db = new Database(fatalFile);
    db.exec(`CREATE TABLE q (id INTEGER PRIMARY KEY, ran_at DATETIME DEFAULT (datetime('now'))); INSERT INTO q (id) VALUES (1)`);
    db.close();
    const fatal = await runPgloader({ source: parseSqliteLocation(`sqlite:${fatalFile}`, work)!, target: server.endpoint('app_defaults'), logFile: join(work, 'fatal.log') }).catch((x: unknown) => x);
    expect(fatal).toMatchObject({
      code: 'query',
      shortMessage: `pgloader exited with 0 after a FATAL error: ERROR Database error 22007: invalid input syntax for type timestamp with time zone: "datetime('now')" | FATAL Failed to create the schema, see above.`,
      tool: { exitCode: 0 },
    });

    // Aborted at pgloader's first line (its version, before it connects): killed, nothing created.
    {
      await using admin = await server.admin();
      await admin.query('CREATE DATABASE app_aborted');
    }
    const abort = new AbortController();
    const aborted = runPgloader({ source, target: server.endpoint('app_aborted'), logFile: join(work, 'aborted.log'), signal: abort.signal, log: () => abort.abort() }).catch((x: unknown) => x);
    expect(await aborted).toMatchObject({ code: 'interrupted', message: 'pgloader interrupted: its process group was terminated' });
    {
      await using pg = await server.admin('app_aborted');
      expect(await pg.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
    }

    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const missing = runPgloader({ source, target: server.endpoint('app_defaults'), logFile: join(work, 'missing.log') }).catch((x: unknown) => x);
    process.env.PATH = path;
    expect(await missing).toMatchObject({ code: 'usage', message: PGLOADER_NOT_FOUND });
    expect(await digest()).toBe(sha);
  });
});

describe('what validation calls a lost type, and the command file (no pgloader needed)', () => {
  it('lostIntent: declared intents a PostgreSQL type does not keep', () => {
    const cases: [string, string][] = [
      ['BOOLEAN', 'bigint'], ['BOOL', 'smallint'], ['BOOLEAN', 'text'], ['BOOLEAN', 'boolean'],
      ['DATETIME', 'bigint'], ['TIMESTAMP', 'numeric'], ['DATE', 'text'], ['DATETIME', 'timestamp with time zone'], ['timestamp(3)', 'character varying(30)'],
      ['JSON', 'text'], ['JSONB', 'character varying'], ['JSON', 'json'], ['UUID', 'text'], ['UUID', 'uuid'],
      ['REAL', 'real'], ['DOUBLE PRECISION', 'real'], ['FLOAT', 'double precision'], ['INTEGER', 'bigint'], ['TEXT', 'text'], ['', 'text'],
    ];
    expect(cases.map(([d, t]) => lostIntent(d, t) ?? null)).toEqual([
      '0/1 booleans kept as numbers', '0/1 booleans kept as numbers', 'booleans kept as text', null,
      NUMBERS_LOST_TEXT.numbers, NUMBERS_LOST_TEXT.numbers, NUMBERS_LOST_TEXT.text, null, NUMBERS_LOST_TEXT.text,
      'JSON stored as text: compared as text, key order and whitespace count', 'JSON stored as text: compared as text, key order and whitespace count', null, 'UUIDs stored as text: compared as text, letter case counts', null,
      REAL_LOST_TEXT, REAL_LOST_TEXT, null, null, null, null,
    ]);
  });

  it('the command file: no password in it, the schema created and first on the search_path, CAST rules as given', () => {
    const source = parseSqliteLocation('sqlite:///data/app.db', '/')!;
    const target = { host: '127.0.0.1', port: 5433, database: 'app', user: 'o:w@n', password: 'secret', sslmode: 'prefer' as const };
    expect(loadCommand({ source, target, schema: 'My App', cast: ['type timestamp to bigint drop typemod', 'type datetime to timestamptz'] })).toBe(`LOAD DATABASE
  FROM sqlite:///data/app.db
  INTO postgresql://o::w@@n@127.0.0.1:5433/app?sslmode=prefer
  WITH include no drop, create tables, create indexes, reset sequences
  SET search_path TO '"My App"'
  CAST type timestamp to bigint drop typemod,
       type datetime to timestamptz
  BEFORE LOAD DO $$ CREATE SCHEMA IF NOT EXISTS "My App"; $$;
`);
    expect(() => loadCommand({ source, target: { ...target, sslmode: 'verify-full' } })).toThrow(/sslmode verify-full: pgloader 3.6 knows disable, allow, prefer and require only/);
  });
});

const NUMBERS_LOST_TEXT = { numbers: 'datetimes kept as numbers (compared as numbers, no time zone or unit checked)', text: 'datetimes kept as text (compared as text, not as points in time)' };
const REAL_LOST_TEXT = "8-byte floats kept as real (4 bytes): values rounded to about 7 digits, compared after PostgreSQL's rounding";
