import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutoverError, exitCodeFor } from '../../core/errors.js';
import { readSqliteCatalog, affinityOf } from '../../core/sqlite-catalog.js';
import { openSqliteFile } from '../../core/sqlite-file.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';

/**
 * A SQLite source (issue 16) is opened read-only, never written, and what is wrong with it is said
 * at once with the option's name: real SQLite files made by better-sqlite3 in a temporary folder.
 */

let work: string;
let app: string;

const APP_SQL = `
CREATE TABLE resources (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, meta JSON, created_at TEXT, score REAL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE tags (resource_id INTEGER NOT NULL REFERENCES resources(id), tag TEXT NOT NULL, PRIMARY KEY (resource_id, tag)) WITHOUT ROWID;
CREATE TABLE events (uuid TEXT NOT NULL, at INTEGER, payload BLOB, amount NUMERIC, total DECIMAL(10,2));
CREATE UNIQUE INDEX events_uuid ON events (uuid);
CREATE TABLE loose (a, b FLOATING POINT, c VARCHAR(20), d DOUBLE PRECISION) STRICT;
CREATE VIRTUAL TABLE resources_fts USING fts5 (subject, content='resources', content_rowid='id');
INSERT INTO resources (subject, meta, created_at, score) VALUES ('first', '{"b": 1, "a": [1, 2]}', '2024-01-02 03:04:05', 1.5), ('second', NULL, '1700000000', -0.0);
INSERT INTO tags VALUES (1, 'x'), (1, 'y');
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-sqlite-'));
  app = join(work, 'app.db');
  const db = new Database(app);
  // STRICT tables accept only the strict type names: "loose" is declared again without them.
  db.exec(APP_SQL.replace('CREATE TABLE loose (a, b FLOATING POINT, c VARCHAR(20), d DOUBLE PRECISION) STRICT;', 'CREATE TABLE loose (a ANY, b REAL, c TEXT, d INTEGER) STRICT;'));
  db.close();
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const digest = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

async function openError(text: string, busyTimeoutMs?: number): Promise<CutoverError> {
  const location = parseSqliteLocation(text, work);
  if (!location) throw new Error(`not a SQLite location: ${text}`);
  const error = await openSqliteFile(location, { label: '--source', ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CutoverError)) throw new Error(`expected a CutoverError, got ${String(error)}`);
  return error;
}

describe('SQLite locations', () => {
  it('takes sqlite:PATH, sqlite:///ABS and file:PATH, relative to the working directory; not a PostgreSQL URL', () => {
    expect(parseSqliteLocation('sqlite:app.db', '/w')).toEqual({ path: '/w/app.db', text: 'sqlite:app.db' });
    expect(parseSqliteLocation('sqlite:///data/app.db', '/w')?.path).toBe('/data/app.db');
    expect(parseSqliteLocation('sqlite://./rel/app.db', '/w')?.path).toBe('/w/rel/app.db');
    expect(parseSqliteLocation('file:my%20app.db', '/w')?.path).toBe('/w/my app.db');
    expect(parseSqliteLocation('postgresql://u@h/db', '/w')).toBeUndefined();
  });
});

describe('openSqliteFile and readSqliteCatalog', () => {
  it('reads the tables, their columns, affinities and keys, and sets full-text indexes and their shadow tables apart, writing nothing', async () => {
    const before = { digest: await digest(app), mtime: (await stat(app)).mtimeMs };
    {
      using file = await openSqliteFile(parseSqliteLocation(`sqlite:${app}`, work)!, { label: '--source' });
      expect(file.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
      const catalog = readSqliteCatalog(file);
      expect(catalog.tables.map((t) => [t.name, t.key, t.withoutRowid, t.strict])).toEqual([
        ['events', ['uuid'], false, false],
        ['loose', [], false, true],
        ['resources', ['id'], false, false],
        ['tags', ['resource_id', 'tag'], true, false],
      ]);
      expect(catalog.fullText).toEqual([{ name: 'resources_fts', module: 'fts5', shadowTables: ['resources_fts_data', 'resources_fts_idx', 'resources_fts_docsize', 'resources_fts_config'] }]);
      const resources = catalog.tables.find((t) => t.name === 'resources')!;
      expect(resources.columns.map((c) => [c.name, c.declared, c.affinity, c.notNull])).toEqual([
        ['id', 'INTEGER', 'INTEGER', false],
        ['subject', 'TEXT', 'TEXT', true],
        ['meta', 'JSON', 'NUMERIC', false],
        ['created_at', 'TEXT', 'TEXT', false],
        ['score', 'REAL', 'REAL', false],
        ['active', 'INTEGER', 'INTEGER', true],
      ]);
      // Read-only: a write is refused by SQLite itself.
      expect(() => file.db.exec('DELETE FROM tags')).toThrow(/readonly|read-only|query_only/i);
    }
    expect({ digest: await digest(app), mtime: (await stat(app)).mtimeMs }).toEqual(before);
  });

  it('opens a WAL-mode file read-only without changing it', async () => {
    const wal = join(work, 'wal.db');
    const writer = new Database(wal);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES (\'a\'), (\'b\')');
    writer.close();
    const before = await digest(wal);
    {
      using file = await openSqliteFile(parseSqliteLocation(`file:${wal}`, work)!, { label: '--source' });
      expect(file.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    }
    expect(await digest(wal)).toBe(before);
  });

  it('gives each declared type its affinity by the rules of SQLite', () => {
    expect(['INT', 'BIGINT', 'VARCHAR(20)', 'CLOB', 'BLOB', '', 'REAL', 'FLOATING POINT', 'DOUBLE PRECISION', 'DECIMAL(10,2)', 'BOOLEAN', 'DATETIME', 'JSON'].map(affinityOf)).toEqual([
      'INTEGER', 'INTEGER', 'TEXT', 'TEXT', 'BLOB', 'BLOB', 'REAL', 'INTEGER', 'REAL', 'NUMERIC', 'NUMERIC', 'NUMERIC', 'NUMERIC',
    ]);
  });

  it('says what is wrong, naming the option: no such file, a directory, an empty file, a file that is not SQLite, a corrupt one (exit 2)', async () => {
    await writeFile(join(work, 'empty.db'), '');
    await writeFile(join(work, 'notes.txt'), 'hello, this is not a database\n'.repeat(200));
    // A real database whose pages after the header are overwritten: the header is right, the rest is not.
    const corrupt = join(work, 'corrupt.db');
    await writeFile(corrupt, await readFile(app));
    const bytes = await readFile(corrupt);
    bytes.fill(0xa5, 100, bytes.length);
    await writeFile(corrupt, bytes);
    const cases: [string, RegExp][] = [
      ['sqlite:missing.db', /^--source sqlite:missing\.db: no such file \(.*missing\.db\)$/],
      [`sqlite:${work}`, /: is a directory, not a SQLite file/],
      ['sqlite:empty.db', /: is empty \(0 bytes\), not a SQLite database/],
      ['sqlite:notes.txt', /: not a SQLite database \(it does not start with the SQLite header\)/],
      ['sqlite:corrupt.db', /^--source sqlite:corrupt\.db: (corrupt|not a SQLite database) \(SQLite: /],
    ];
    for (const [text, message] of cases) {
      const error = await openError(text);
      expect(error.message, text).toMatch(message);
      expect(exitCodeFor(error.code), text).toBe(2);
    }
  });

  it('a file another process holds locked: exit 3 after the busy timeout, saying so', async () => {
    const locked = join(work, 'locked.db');
    const writer = new Database(locked);
    writer.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    writer.exec('BEGIN EXCLUSIVE');
    try {
      const error = await openError(`sqlite:${locked}`, 200);
      expect(error.message).toMatch(/: locked by another process \(SQLite: database is locked\) after waiting 200 ms/);
      expect(exitCodeFor(error.code)).toBe(3);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});
