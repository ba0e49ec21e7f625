import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSqliteSnapshot, runSqliteSuite, sqliteFindings, type SqliteSnapshot } from '../../checks/sqlite/index.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * `cutover check --db sqlite:PATH` (issue 16): the SQLite suite on real files made by
 * better-sqlite3 in a temporary folder, in-process and as a user types it, the file never written.
 */

let work: string;
let app: string;
let clean: string;
let corrupt: string;

/** Tables of every kind the suite tells apart, with one defect of each kind the findings name. */
const APP_SQL = `
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, age INTEGER, created_at DATETIME, meta JSON);
CREATE INDEX users_age ON users (age) WHERE age IS NOT NULL;
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, total REAL);
CREATE INDEX orders_user ON orders (user_id);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE log (at INTEGER, line TEXT);
CREATE VIRTUAL TABLE notes USING fts5 (title, body);
INSERT INTO users VALUES
  (1, 'a@example.com', 42, '2024-01-01 00:00:00', '{"a": 1}'),
  (2, 'b@example.com', '42', 1700000000, NULL),
  (3, 'c@example.com', 'n/a', NULL, '[1]');
INSERT INTO orders VALUES (1, 1, 9.5), (2, 2, 3), (3, 99, 1.0);
INSERT INTO settings VALUES ('theme', 'dark');
INSERT INTO log VALUES (1, 'started'), (2, 'stopped');
INSERT INTO notes VALUES ('first', 'hello world');
`;

function makeDatabase(path: string, sql: string): void {
  const db = new Database(path);
  // better-sqlite3 enforces foreign keys; apps that never turned them on leave orphans like these.
  db.pragma('foreign_keys = OFF');
  db.exec(sql);
  db.close();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-check-sqlite-'));
  app = join(work, 'app.db');
  makeDatabase(app, APP_SQL);
  clean = join(work, 'clean.db');
  makeDatabase(clean, `CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));
    INSERT INTO users VALUES (1, 'a@example.com'); INSERT INTO orders VALUES (1, 1), (2, 1);`);
  // One full leaf page of rows, then bytes in the middle of page 2 (the table's root) overwritten:
  // the header and the schema are intact, the table's cells are not.
  corrupt = join(work, 'corrupt.db');
  const rows = Array.from({ length: 150 }, (_, i) => `('value ${i}')`).join(', ');
  makeDatabase(corrupt, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ${rows};`);
  const bytes = await readFile(corrupt);
  const pageSize = bytes.readUInt16BE(16);
  bytes.fill(0xa5, pageSize + pageSize / 2, pageSize + pageSize / 2 + 64);
  await writeFile(corrupt, bytes);
  await writeFile(join(work, 'notes.txt'), 'hello, this is not a database\n'.repeat(200));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** What must not change: the file's bytes and its modification time. */
async function fingerprint(path: string): Promise<{ sha256: string; mtimeMs: number }> {
  return { sha256: createHash('sha256').update(await readFile(path)).digest('hex'), mtimeMs: (await stat(path)).mtimeMs };
}

async function suite(path: string): Promise<SqliteSnapshot> {
  const location = parseSqliteLocation(`sqlite:${path}`, work);
  if (!location) throw new Error(`not a SQLite location: ${path}`);
  return runSqliteSuite(location, { label: '--db' });
}

const column = (name: string, declared: string, affinity: string, notNull: boolean, primaryKey = 0) => ({ name, declared, affinity, notNull, primaryKey, generated: false });

describe('runSqliteSuite and sqliteFindings', () => {
  it('describes every table, index, key and full-text index, counts rows exactly and finds each defect, writing nothing', async () => {
    const before = await fingerprint(app);
    const checked: [string, boolean][] = [];
    const snapshot = await runSqliteSuite(parseSqliteLocation('sqlite:app.db', work)!, { label: '--db', onCheck: (id, ok) => checked.push([id, ok]) });
    expect(await fingerprint(app)).toEqual(before);

    expect(checked).toEqual([['sqlite/schema', true], ['sqlite/integrity', true], ['sqlite/row-counts', true], ['sqlite/foreign-keys', true], ['sqlite/affinity', true]]);
    expect(snapshot).toMatchObject({ kind: 'sqlite', schemaVersion: 1, file: app, sizeBytes: (await stat(app)).size, pageSize: 4096, journalMode: 'delete', encoding: 'UTF-8', userVersion: 0 });
    expect(snapshot.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(Object.values(snapshot.checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(snapshot.tables).toEqual([
      { name: 'log', withoutRowid: false, strict: false, rows: 2, key: [], columns: [column('at', 'INTEGER', 'INTEGER', false), column('line', 'TEXT', 'TEXT', false)], indexes: [], foreignKeys: [] },
      {
        name: 'orders', withoutRowid: false, strict: false, rows: 3, key: ['id'],
        columns: [column('id', 'INTEGER', 'INTEGER', false, 1), column('user_id', 'INTEGER', 'INTEGER', true), column('total', 'REAL', 'REAL', false)],
        indexes: [{ name: 'orders_user', unique: false, origin: 'index', columns: ['user_id'], partial: false }],
        foreignKeys: [{ id: 0, table: 'users', from: ['user_id'], to: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      },
      {
        name: 'settings', withoutRowid: true, strict: false, rows: 1, key: ['name'],
        columns: [column('name', 'TEXT', 'TEXT', true, 1), column('value', 'TEXT', 'TEXT', false)],
        indexes: [{ name: 'sqlite_autoindex_settings_1', unique: true, origin: 'primary-key', columns: ['name'], partial: false }],
        foreignKeys: [],
      },
      {
        name: 'users', withoutRowid: false, strict: false, rows: 3, key: ['id'],
        columns: [
          column('id', 'INTEGER', 'INTEGER', false, 1),
          column('email', 'TEXT', 'TEXT', true),
          // SQLite stores the text '42' as the integer 42 (INTEGER affinity); 'n/a' it cannot convert.
          { ...column('age', 'INTEGER', 'INTEGER', false), mixedTypes: { counts: { text: 1 }, total: 1, example: { rowid: 3 } } },
          // Dates and JSON are text by convention in NUMERIC-affinity columns: not flagged.
          column('created_at', 'DATETIME', 'NUMERIC', false),
          column('meta', 'JSON', 'NUMERIC', false),
        ],
        indexes: [
          { name: 'users_age', unique: false, origin: 'index', columns: ['age'], partial: true },
          { name: 'sqlite_autoindex_users_1', unique: true, origin: 'unique', columns: ['email'], partial: false },
        ],
        foreignKeys: [],
      },
    ]);
    expect(snapshot.fullText).toEqual([
      { name: 'notes', module: 'fts5', columns: ['title', 'body'], shadowTables: ['notes_data', 'notes_idx', 'notes_content', 'notes_docsize', 'notes_config'] },
    ]);
    expect(snapshot.otherVirtual).toEqual([]);
    expect(snapshot.integrity).toEqual({ ok: true, messages: [] });
    expect(snapshot.foreignKeyViolations).toEqual({ count: 1, byTable: [{ table: 'orders', parent: 'users', foreignKey: 0, count: 1, rowids: [3] }], notChecked: [] });

    expect(sqliteFindings(snapshot).map((f) => [f.id, f.severity, f.message])).toEqual([
      ['sqlite/no-key/log', 'info', 'log: no primary key or unique index on NOT NULL columns: its rows cannot be matched by key when validating'],
      ['sqlite/foreign-keys/orders', 'fail', 'orders: 1 row without its parent row (user_id → users(id): 1, rowid 3); PostgreSQL refuses them when the foreign key is created'],
      ['sqlite/affinity/users.age', 'warn', 'users.age (INTEGER, INTEGER affinity): 1 value stored as another type (text 1, e.g. rowid 3); a typed PostgreSQL column refuses or changes them'],
      ['sqlite/full-text/notes', 'info', 'notes: fts5 full-text index (title, body): rebuilt in PostgreSQL (tsvector), not copied'],
    ]);
    expect(sqliteFindings(snapshot).find((f) => f.id === 'sqlite/foreign-keys/orders')).toMatchObject({
      checkId: 'sqlite',
      source: 'evaluate',
      object: 'orders',
      details: { count: 1, groups: [{ parent: 'users', from: ['user_id'], to: ['id'], count: 1, rowids: [3] }] },
    });
  });

  it('a clean file: no findings; STRICT tables are not scanned for types, a WITHOUT ROWID example is its key, an external-content index names its table', async () => {
    const other = join(work, 'other.db');
    makeDatabase(other, `CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL) STRICT;
      CREATE VIRTUAL TABLE items_fts USING fts5 (label, content='items', content_rowid='id');
      CREATE TABLE stock (sku TEXT PRIMARY KEY, qty INTEGER) WITHOUT ROWID;
      INSERT INTO items VALUES (1, 'pen', 1.5);
      INSERT INTO stock VALUES ('a-1', 1.5), ('b-2', x'00'), ('c-3', 7);`);
    expect(sqliteFindings(await suite(clean))).toEqual([]);
    const snapshot = await suite(other);
    expect(snapshot.tables.map((t) => [t.name, t.strict, t.withoutRowid, t.rows])).toEqual([['items', true, false, 1], ['stock', false, true, 3]]);
    expect(snapshot.tables[1]?.columns[1]?.mixedTypes).toEqual({ counts: { real: 1, blob: 1 }, total: 2, example: { key: { sku: 'a-1' } } });
    expect(snapshot.fullText).toEqual([{ name: 'items_fts', module: 'fts5', columns: ['label'], contentTable: 'items', shadowTables: ['items_fts_data', 'items_fts_idx', 'items_fts_docsize', 'items_fts_config'] }]);
    expect(sqliteFindings(snapshot).map((f) => [f.id, f.severity, f.message])).toEqual([
      ['sqlite/affinity/stock.qty', 'warn', 'stock.qty (INTEGER, INTEGER affinity): 2 values stored as another type (real 1, blob 1, e.g. key {"sku":"a-1"}); a typed PostgreSQL column refuses or changes them'],
      ['sqlite/full-text/items_fts', 'info', 'items_fts: fts5 full-text index of items (label): rebuilt in PostgreSQL (tsvector), not copied'],
    ]);
  });

  it('a table wider than the 2,000 result columns SQLite allows: its types counted in several scans', async () => {
    const wide = join(work, 'wide.db');
    const names = Array.from({ length: 1_000 }, (_, i) => `c${i}`);
    makeDatabase(wide, `CREATE TABLE wide (id INTEGER PRIMARY KEY, ${names.map((n) => `${n} INTEGER`).join(', ')});
      INSERT INTO wide (id, c0, c999) VALUES (1, 'zero', x'01');`);
    const snapshot = await suite(wide);
    expect(snapshot.checks['sqlite/affinity'].status).toBe('ok');
    expect(snapshot.tables[0]?.columns.filter((c) => c.mixedTypes).map((c) => [c.name, c.mixedTypes])).toEqual([
      ['c0', { counts: { text: 1 }, total: 1, example: { rowid: 1 } }],
      ['c999', { counts: { blob: 1 }, total: 1, example: { rowid: 1 } }],
    ]);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped by the test'));
    await expect(runSqliteSuite(parseSqliteLocation('sqlite:app.db', work)!, { label: '--db', signal: controller.signal })).rejects.toThrow('stopped by the test');
  });

  it('a damaged file: integrity_check reports it and the sqlite/integrity finding fails; the other checks say what they could not read', async () => {
    const before = await fingerprint(corrupt);
    const snapshot = await suite(corrupt);
    expect(await fingerprint(corrupt)).toEqual(before);
    expect(snapshot.integrity.ok).toBe(false);
    expect(snapshot.integrity.messages[0]).toMatch(/^Tree 2 page 2 cell \d+: /);
    expect(snapshot.integrity.messages.length).toBeLessThanOrEqual(100);
    // The scan for stored types reads every cell: SQLite stops it, and the check says so.
    expect(snapshot.checks['sqlite/affinity']).toEqual({ status: 'error', durationMs: expect.any(Number), reason: 't: SQLITE_CORRUPT: database disk image is malformed' });
    const findings = sqliteFindings(snapshot);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['sqlite/integrity', 'fail'], ['sqlite/not-checked/affinity', 'warn']]);
    expect(findings[0]).toMatchObject({ id: 'sqlite/integrity', severity: 'fail', details: { messages: snapshot.integrity.messages } });
    expect(findings[0]?.message).toMatch(/^PRAGMA integrity_check reported \d+ problems: the file is damaged \(first: Tree 2 page 2 /);
  });
});

describe('cutover check --db sqlite:PATH, as a user types it', () => {
  it('the foreign key violation fails the gate (exit 1); the summary, the snapshot; the file unchanged', async () => {
    const before = await fingerprint(app);
    const r = await runCli(['check', '--db', 'sqlite:app.db', '--gate'], { env: cleanEnv(work), cwd: work });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^pre suite on sqlite ${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: SQLite 3\\.\\d+\\.\\d+, 4 tables, 9 rows$`));
    expect(lines[1]).toMatch(/^checks: 5 ok, 0 error \(\d+\.\d s\)$/);
    expect(lines.slice(2)).toEqual([
      'findings: 1 fail, 1 warn, 2 info',
      '  FAIL sqlite/foreign-keys/orders  orders: 1 row without its parent row (user_id → users(id): 1, rowid 3); PostgreSQL refuses them when the foreign key is created',
      '  WARN sqlite/affinity/users.age  users.age (INTEGER, INTEGER affinity): 1 value stored as another type (text 1, e.g. rowid 3); a typed PostgreSQL column refuses or changes them',
      'gate: FAIL (1 failing)',
      'snapshot: ./pre.snapshot.json',
    ]);
    expect(r.errLines.map((l) => l.replace(/ \d+ ms$/, ''))).toEqual(['  ok      sqlite/schema', '  ok      sqlite/integrity', '  ok      sqlite/row-counts', '  ok      sqlite/foreign-keys', '  ok      sqlite/affinity']);
    const written = JSON.parse(await readFile(join(work, 'pre.snapshot.json'), 'utf8')) as SqliteSnapshot;
    expect(written).toMatchObject({ kind: 'sqlite', file: app, foreignKeyViolations: { count: 1 } });
    expect(written.tables.map((t) => [t.name, t.rows])).toEqual([['log', 2], ['orders', 3], ['settings', 1], ['users', 3]]);
    expect(await readSqliteSnapshot(join(work, 'pre.snapshot.json'))).toEqual(written);
    expect(await fingerprint(app)).toEqual(before);
  });

  it('a clean file passes the gate (exit 0), named file:PATH too; --json prints one object', async () => {
    const before = await fingerprint(clean);
    const text = await runCli(['check', '--db', 'file:clean.db', '--gate', '--out', 'clean.json'], { env: cleanEnv(work), cwd: work });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('findings: 0 fail, 0 warn, 0 info\ngate: PASS\nsnapshot: clean.json\n');

    const json = await runCli(['check', '--db', 'sqlite:app.db', '--suite', 'post', '--json', '--gate'], { env: cleanEnv(work), cwd: work });
    expect(json.code, json.stderr).toBe(1);
    const summary = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(summary).toEqual({
      snapshot: './post.snapshot.json',
      suite: 'post',
      takenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      durationMs: expect.any(Number),
      sqlite: { file: app, version: expect.stringMatching(/^3\./), sizeBytes: (await stat(app)).size, tables: 4, rows: 9 },
      checks: { ok: 5, error: 0, skipped: 0 },
      integrity: { ok: true, problems: 0 },
      foreignKeyViolations: 1,
      findings: { fail: 1, warn: 1, info: 2 },
      verdict: 'fail',
      failing: ['sqlite/foreign-keys/orders'],
    });
    expect(await fingerprint(clean)).toEqual(before);
  });

  it('a damaged file, a file that is not SQLite, a missing path: exit 2 with a clear message, nothing written to the file', async () => {
    const before = await fingerprint(corrupt);
    const damaged = await runCli(['check', '--db', 'sqlite:corrupt.db', '--out', 'corrupt.json'], { env: cleanEnv(work), cwd: work });
    expect(damaged.code, damaged.stderr).toBe(2);
    expect(damaged.stdout).toMatch(/\n {2}FAIL sqlite\/integrity {2}PRAGMA integrity_check reported \d+ problems: the file is damaged/);
    expect(damaged.errLines.at(-1)).toMatch(/^cutover: --db sqlite:corrupt\.db: the file is damaged: PRAGMA integrity_check reported \d+ problems \(first: Tree 2 page 2 cell \d+: .*\) \(.*corrupt\.db\); snapshot written to corrupt\.json$/);
    expect(await fingerprint(corrupt)).toEqual(before);

    const notSqlite = await runCli(['check', '--db', 'sqlite:notes.txt'], { env: cleanEnv(work), cwd: work });
    expect(notSqlite.code).toBe(2);
    expect(notSqlite.errLines).toEqual([`cutover: --db sqlite:notes.txt: not a SQLite database (it does not start with the SQLite header) (${join(work, 'notes.txt')})`]);

    const missing = await runCli(['check', '--db', 'sqlite:missing.db'], { env: cleanEnv(work), cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.errLines).toEqual([`cutover: --db sqlite:missing.db: no such file (${join(work, 'missing.db')})`]);
  });

  it('refuses to write the snapshot over the file it checks (exit 2)', async () => {
    const before = await fingerprint(app);
    const r = await runCli(['check', '--db', 'sqlite:app.db', '--out', 'app.db'], { env: cleanEnv(work), cwd: work });
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`cutover: --out app.db: is the SQLite file being checked (${app}), which is never written`]);
    expect(await fingerprint(app)).toEqual(before);
  });
});
