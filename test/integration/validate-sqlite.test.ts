import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';
import type { TableResult, ValidationResult } from '../../validate/result.js';
import { cleanEnv, runCli } from '../support/run-cli.js';

/**
 * A real SQLite file (JSON text, ISO and unix timestamps, 0/1 booleans, REAL, BLOB, a table
 * without a key, an FTS5 index) loaded into a real PostgreSQL by a small loader here (what
 * pgloader or a copy script does), then compared: equal, then with injected defects, each
 * reported exactly.
 */

const ROWS = 2_000;
let work: string;
let file: string;
let server: LocalServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-validate-sqlite-'));
  file = join(work, 'app.db');
  const db = new Database(file);
  db.exec(`CREATE TABLE resources (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, meta JSON, created_at TEXT, updated_at INTEGER, score REAL, active INTEGER NOT NULL, blob BLOB);
    CREATE TABLE tags (resource_id INTEGER NOT NULL, tag TEXT NOT NULL);
    CREATE VIRTUAL TABLE resources_fts USING fts5 (subject, content='resources', content_rowid='id');`);
  const insert = db.prepare('INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const tag = db.prepare('INSERT INTO tags VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      const meta = i % 10 === 0 ? null : JSON.stringify({ n: i, tags: ['a', i % 7], price: `${i}.50`, nested: { z: 1, a: [i / 4] } });
      const created = new Date(Date.UTC(2024, 0, 1) + i * 61_001).toISOString().replace('T', ' ').replace('Z', '');
      insert.run(i, `subject ${i} — é`, meta, created, 1_700_000_000 + i * 3600, i / 3, i % 2, i % 5 === 0 ? null : Buffer.from([i % 256, 0, 255]));
      tag.run(i, `t${i % 13}`);
    }
  })();
  db.exec(`INSERT INTO resources_fts (resources_fts) VALUES ('rebuild')`);
  db.close();

  server = await LocalServer.start({ version: '17', name: 'validate-sqlite' });
  await using admin = await server.admin();
  await admin.query('CREATE DATABASE app');
  await using pg = await server.admin('app');
  await pg.query(`SET TimeZone = 'UTC';
    CREATE TABLE resources (id bigint PRIMARY KEY, subject text, meta jsonb, created_at timestamptz, updated_at timestamptz, score double precision, active boolean NOT NULL, blob bytea);
    CREATE TABLE tags (resource_id bigint NOT NULL, tag text NOT NULL);`);
  // The loader: every row read from the file, written with the types PostgreSQL wants.
  const src = new Database(file, { readonly: true });
  const rows = src.prepare('SELECT * FROM resources').all() as Record<string, unknown>[];
  const col = (name: string) => rows.map((r) => r[name] ?? null);
  await pg.query(
    `INSERT INTO resources SELECT id, subject, meta::jsonb, created_at::timestamp AT TIME ZONE 'UTC', to_timestamp(updated_at), score, active <> 0, blob
     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[], $7::int[], $8::bytea[]) AS u(id, subject, meta, created_at, updated_at, score, active, blob)`,
    [col('id'), col('subject'), col('meta'), col('created_at'), col('updated_at'), col('score'), col('active'), col('blob')],
  );
  const tags = src.prepare('SELECT * FROM tags').all() as { resource_id: number; tag: string }[];
  await pg.query(`INSERT INTO tags SELECT * FROM unnest($1::bigint[], $2::text[])`, [tags.map((t) => t.resource_id), tags.map((t) => t.tag)]);
  src.close();
});
afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const table = (tables: TableResult[], name: string): TableResult => {
  const t = tables.find((x) => x.table === name);
  if (!t) throw new Error(`no result for ${name}`);
  return t;
};

describe('validate a SQLite file against the PostgreSQL it was loaded into', () => {
  it('equal data: every table equal, the full-text index named as rebuilt, not compared', async () => {
    const result = await validateSqlite({ source: parseSqliteLocation(`sqlite:${file}`, work)!, target: server.endpoint('app') });
    expect(result.tables.map((t) => [t.table, t.status, t.sourceRows, t.targetRows])).toEqual([
      ['public.resources', 'equal', ROWS, ROWS],
      ['public.tags', 'equal', ROWS, ROWS],
    ]);
    expect(result.outcome).toBe('equal');
    expect(result.source).toMatchObject({ engine: 'sqlite', file });
    expect(result.notes).toEqual(['full-text indexes of the file, rebuilt in PostgreSQL and not copied, not compared: resources_fts']);
    expect(table(result.tables, 'public.resources').notes).toEqual([]);
    expect(table(result.tables, 'public.tags')).toMatchObject({ key: [], localised: false });
  });

  it('injected defects: a dropped row, a JSON value, a timestamp an hour off, a NULL, a duplicated keyless row: each exactly, nothing else', async () => {
    {
      await using pg = await server.admin('app');
      await pg.query(`DELETE FROM resources WHERE id = 10;
        UPDATE resources SET meta = jsonb_set(meta, '{nested,z}', '2') WHERE id = 21;
        UPDATE resources SET created_at = created_at + interval '1 hour' WHERE id = 30;
        UPDATE resources SET subject = NULL WHERE id = 40;
        INSERT INTO tags VALUES (7, 't7')`);
    }
    const result = await validateSqlite({ source: parseSqliteLocation(`sqlite:${file}`, work)!, target: server.endpoint('app') });
    expect(result.outcome).toBe('different');
    const resources = table(result.tables, 'public.resources');
    expect(resources).toMatchObject({ status: 'different', key: ['id'], localised: true, sourceRows: ROWS, targetRows: ROWS - 1, missing: 1, extra: 0, changed: 3 });
    expect(resources.missingRows).toEqual([{ key: { id: '10' } }]);
    const changed = Object.fromEntries(resources.changedRows.map((r) => [r.key.id, r.columns.map((c) => [c.column, c.source.text, c.target.text])]));
    expect(changed['21']).toEqual([['meta', expect.stringContaining('"z":1'), expect.stringContaining('"z": 2')]]);
    expect(changed['30']).toEqual([['created_at', '2024-01-01 00:30:30.030', '2024-01-01 01:30:30.03+00']]);
    expect(changed['40']).toEqual([['subject', 'subject 40 — é', null]]);
    const tags = table(result.tables, 'public.tags');
    expect(tags).toMatchObject({ status: 'different', missing: 0, extra: 1, localised: false });
    expect(tags.multisetRows).toEqual([{ values: { resource_id: { text: '7' }, tag: { text: 't7' } }, sourceCount: 1, targetCount: 2 }]);
  });

  it('cutover validate --source sqlite:app.db, as a user types it: the differences, the gate, --json; bad input exits 2', async () => {
    const env = cleanEnv(work);
    const before = createHash('sha256').update(await readFile(file)).digest('hex');
    const target = `postgresql://postgres:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/app`;
    const json = join(work, 'sqlite-result.json');
    const r = await runCli(['validate', '--source', 'sqlite:app.db', '--target', target, '--json', json], { env, cwd: work });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`source: SQLite `);
    expect(r.stdout).toContain('note: full-text indexes of the file, rebuilt in PostgreSQL and not copied, not compared: resources_fts');
    expect(r.stdout).toMatch(/different public\.resources: 2000 rows on the source, 1999 on the target: 1 missing, 0 extra, 3 changed/);
    expect(r.stdout).toMatch(/^verdict: DIFFERENT$/m);
    const written = JSON.parse(await readFile(json, 'utf8')) as ValidationResult;
    expect(written.source).toMatchObject({ engine: 'sqlite', file });
    const missing = await runCli(['validate', '--source', 'sqlite:nope.db', '--target', target], { env, cwd: work });
    expect([missing.code, missing.errLines[0]]).toEqual([2, `cutover: --source sqlite:nope.db: no such file (${join(work, 'nope.db')})`]);
    const bad = await runCli(['validate', '--source', 'sqlite:app.db', '--target', target, '--datetime', 'resources.updated_at=epoch'], { env, cwd: work });
    expect([bad.code, bad.errLines[0]]).toEqual([2, 'cutover: --datetime: expected TABLE.COLUMN=unix-seconds|unix-ms|julian-day, got "resources.updated_at=epoch"']);
    // The file was never written.
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(before);
  });
});
