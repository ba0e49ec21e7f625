import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { parseSqliteLocation, type SqliteLocation } from '../../core/sqlite-location.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';
import { dataFindings } from '../../validate/data-findings.js';
import { checkMigration } from '../../validate/migration-checks.js';
import { migrationFindings } from '../../validate/migration-findings.js';
import type { MigrationResult } from '../../validate/migration-result.js';
import { migrationSpecSchema, type MigrationSpec } from '../../validate/migration-spec.js';
import type { Finding } from '../../checks/finding.js';
import { migrationSectionHtml } from '../../reports/migration-html.js';
import { migrationMarkdown } from '../../reports/migration-markdown.js';

/**
 * The SQLite → PostgreSQL rollback matrix against a real file and a real PostgreSQL 17: a small
 * loader copies the file, then defects are injected on the target, and each must come out as
 * exactly the finding the runbook names, with the figure that decided it.
 */

let work: string;
let file: string;
let source: SqliteLocation;
let server: LocalServer;

/** How the tables are declared on each side: SQLite's, and what the loader creates in PostgreSQL. */
const TABLES: { name: string; sqlite: string; pg: string; types: string[] }[] = [
  { name: 'customers', sqlite: 'id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT', pg: 'id bigint PRIMARY KEY, name text NOT NULL, email text', types: ['bigint', 'text', 'text'] },
  { name: 'orders', sqlite: 'id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), note TEXT NOT NULL, total REAL', pg: 'id bigint PRIMARY KEY, customer_id bigint NOT NULL, note text, total float8', types: ['bigint', 'bigint', 'text', 'float8'] },
  { name: 'events', sqlite: 'id INTEGER PRIMARY KEY, order_id INTEGER, kind TEXT', pg: 'id bigint PRIMARY KEY, order_id bigint, kind text', types: ['bigint', 'bigint', 'text'] },
  { name: 'docs', sqlite: 'id INTEGER PRIMARY KEY, body TEXT', pg: 'id bigint PRIMARY KEY, body text', types: ['bigint', 'text'] },
  { name: '<b>', sqlite: 'id INTEGER PRIMARY KEY, v TEXT', pg: 'id bigint PRIMARY KEY, v text', types: ['bigint', 'text'] },
];
const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-migration-'));
  file = join(work, 'app.db');
  source = parseSqliteLocation(`sqlite:${file}`, work)!;
  const db = new Database(file);
  for (const t of TABLES) db.exec(`CREATE TABLE ${q(t.name)} (${t.sqlite})`);
  db.exec(`CREATE VIRTUAL TABLE docs_fts USING fts5 (body, content='docs', content_rowid='id')`);
  db.transaction(() => {
    for (let i = 1; i <= 50; i++) db.prepare('INSERT INTO customers VALUES (?, ?, ?)').run(i, `customer ${i}`, `c${i}@example.com`);
    for (let i = 1; i <= 1000; i++) db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)').run(i, ((i - 1) % 50) + 1, `order ${i}`, i / 4);
    for (let i = 1; i <= 500; i++) db.prepare('INSERT INTO events VALUES (?, ?, ?)').run(i, i, i % 2 ? 'created' : 'paid');
    // FTS5 tokenizes (ALPHA is alpha, alphabet is not); the rebuilt search uses LIKE (alphabet is, ALPHA is not).
    const body = (i: number): string => (i <= 4 ? `alpha ${i}` : i <= 6 ? `ALPHA caps ${i}` : i <= 10 ? `alphabet soup ${i}` : `other text ${i}`);
    for (let i = 1; i <= 20; i++) db.prepare('INSERT INTO docs VALUES (?, ?)').run(i, body(i));
    for (let i = 1; i <= 4; i++) db.prepare('INSERT INTO "<b>" VALUES (?, ?)').run(i, `v${i}`);
  })();
  db.exec(`INSERT INTO docs_fts (docs_fts) VALUES ('rebuild')`);
  db.close();

  server = await LocalServer.start({ version: '17', name: 'migration-matrix' });
  {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE app');
  }
  await using pg = await server.admin('app');
  // The loader: every table created with the types PostgreSQL wants, every row copied (no foreign keys, as a bulk loader leaves them).
  const src = new Database(file, { readonly: true });
  for (const t of TABLES) {
    await pg.query(`CREATE TABLE ${q(t.name)} (${t.pg})`);
    const rows = src.prepare(`SELECT * FROM ${q(t.name)}`).raw(true).all() as unknown[][];
    const params = t.types.map((_, c) => rows.map((r) => r[c] ?? null));
    await pg.query(`INSERT INTO ${q(t.name)} SELECT * FROM unnest(${t.types.map((ty, i) => `$${i + 1}::${ty}[]`).join(', ')})`, params);
  }
  src.close();
  await pg.query(`CREATE SEQUENCE invoice_no; ANALYZE`);
});
afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const SPEC: MigrationSpec = migrationSpecSchema.parse({
  latency: { runs: 3 },
  required: ['customers.email'],
  queries: [
    { name: 'slow', sqlite: 'SELECT count(*) FROM orders', postgres: 'SELECT count(*), pg_sleep(0.05) FROM orders' },
    // SQLite walks 100,000 rows of a recursive CTE; PostgreSQL reads one row by its key: far within 50%.
    { name: 'fast', sqlite: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c', postgres: 'SELECT count(*) FROM orders WHERE id = 1' },
    // A SELECT that writes: the READ ONLY transaction refuses it, so nothing is measured and nothing is written.
    { name: 'writes', sqlite: 'SELECT 1', postgres: `SELECT nextval('invoice_no')` },
  ],
  search: [
    { name: 'alpha', sqlite: `SELECT rowid FROM docs_fts WHERE docs_fts MATCH 'alpha' ORDER BY rowid`, postgres: `SELECT id FROM docs WHERE body LIKE '%alpha%' ORDER BY id`, k: 5 },
    { name: 'customers', sqlite: 'SELECT id FROM customers ORDER BY id LIMIT 10', postgres: 'SELECT id FROM customers ORDER BY id LIMIT 10' },
  ],
});

describe('the rollback matrix of a move off SQLite', () => {
  let result: MigrationResult;
  let findings: Finding[];
  let data: Finding[];

  beforeAll(async () => {
    {
      await using pg = await server.admin('app');
      await pg.query(`DELETE FROM orders WHERE id = 500;
        DELETE FROM events WHERE id <= 10;
        DELETE FROM "<b>" WHERE id = 4;
        UPDATE orders SET customer_id = 999 WHERE id = 7;
        UPDATE orders SET note = NULL WHERE id = 8;
        UPDATE customers SET email = NULL WHERE id = 3;
        -- left NOT VALID by a loader: event 500's order is gone
        ALTER TABLE events ADD CONSTRAINT events_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID`);
    }
    const before = createHash('sha256').update(await readFile(file)).digest('hex');
    const validation = await validateSqlite({ source, target: server.endpoint('app') });
    data = dataFindings(validation);
    const lines: string[] = [];
    result = await checkMigration({ source, target: server.endpoint('app'), validation, spec: SPEC, log: (l) => lines.push(l) });
    findings = migrationFindings(result, SPEC);
    expect(lines).toContain('migration: timing query slow (3 runs on each side)');
    // Read-only on both sides: the file's bytes and the sequence are untouched.
    expect(createHash('sha256').update(await readFile(file)).digest('hex')).toBe(before);
    await using pg = await server.admin('app');
    expect(await pg.query(`SELECT last_value, is_called FROM invoice_no`)).toEqual([{ last_value: '1', is_called: false }]);
  });

  const finding = (id: string): Finding => {
    const f = findings.find((x) => x.id === id);
    if (!f) throw new Error(`no finding ${id} in ${findings.map((x) => x.id).join(', ')}`);
    return f;
  };

  it('each injected defect is exactly one finding of the right severity, and nothing else', () => {
    expect(findings.map((f) => [f.id, f.severity]).sort()).toEqual(
      [
        ['migration/public.<b>/row-count', 'fail'],
        ['migration/public.events/row-count', 'fail'],
        ['migration/public.orders/row-count', 'warn'],
        ['migration/public.orders/foreign-key/customer_id', 'fail'],
        ['migration/public.events/foreign-key/events_order_fk', 'fail'],
        ['migration/public.orders.note/nulls', 'fail'],
        ['migration/public.customers.email/nulls', 'fail'],
        ['migration/query/slow/latency', 'fail'],
        ['migration/query/fast/latency', 'info'],
        ['migration/query/writes/latency', 'fail'],
        ['migration/search/alpha', 'warn'],
        ['migration/search/customers', 'info'],
        // PostgreSQL 17's initdb leaves data checksums off: no corruption figure, and the report says so.
        ['migration/integrity/postgres', 'info'],
      ].sort(),
    );
    expect(findings.every((f) => f.checkId === 'migration' && f.source === 'evaluate')).toBe(true);
    // The dropped order is also validation's `missing` row: a separate check, a separate finding.
    expect(data.map((f) => f.id)).toContain('data/public.orders/missing');
  });

  it('row counts: 0.1% warns, 2% and 25% fail, each with both counts, the % and the threshold', () => {
    expect(finding('migration/public.orders/row-count')).toMatchObject({
      message: 'public.orders: 1,000 rows on SQLite, 999 on PostgreSQL: 0.1% mismatch (up to 1%: investigate)',
      details: { sqliteRows: 1000, postgresRows: 999, mismatchPct: 0.1, failAbovePct: 1, countedBy: 'validation' },
    });
    expect(finding('migration/public.events/row-count')).toMatchObject({ message: 'public.events: 500 rows on SQLite, 490 on PostgreSQL: 2% mismatch (above 1%: roll back)', details: { mismatchPct: 2, failAbovePct: 1 } });
    expect(finding('migration/public.<b>/row-count').details).toMatchObject({ sqliteRows: 4, postgresRows: 3, mismatchPct: 25 });
    expect(result.tables.map((t) => [t.table, t.sqliteRows, t.postgresRows])).toEqual([
      ['public.<b>', 4, 3],
      ['public.customers', 50, 50],
      ['public.docs', 20, 20],
      ['public.events', 500, 490],
      ['public.orders', 1000, 999],
    ]);
  });

  it('foreign keys: the file’s key and the target’s NOT VALID one, each with its orphan count and key', () => {
    expect(finding('migration/public.orders/foreign-key/customer_id')).toMatchObject({
      message: 'public.orders: 1 orphan row on the target: foreign key (customer_id) → public.customers(id) has no parent row (first: id=7, customer_id=999)',
      details: { orphans: 1, failAbove: 0, origin: 'sqlite', orphanKeys: [{ id: '7', customer_id: '999' }] },
    });
    expect(finding('migration/public.events/foreign-key/events_order_fk').details).toMatchObject({ orphans: 1, origin: 'target-not-valid', orphanKeys: [{ id: '500', order_id: '500' }] });
  });

  it('required columns: a NULL where SQLite said NOT NULL, and one in a column the spec requires', () => {
    expect(finding('migration/public.orders.note/nulls')).toMatchObject({ message: 'public.orders.note (NOT NULL in SQLite): 1 row with NULL on the target', details: { nulls: 1, failAbove: 0, origin: 'sqlite-not-null' } });
    expect(finding('migration/public.customers.email/nulls').details).toMatchObject({ nulls: 1, origin: 'spec' });
    // customers.name is NOT NULL on both sides: counted, zero, no finding.
    expect(result.required.find((c) => c.column === 'name')).toMatchObject({ table: 'public.customers', nulls: 0 });
  });

  it('latency: the slow query fails with its ratio, the fast one is info, the one that cannot run measured nothing and fails', () => {
    const slow = finding('migration/query/slow/latency');
    const d = slow.details as { postgresMedianMs: number; sqliteMedianMs: number; limitMs: number; ratio: number; failAbovePct: number };
    expect(d.postgresMedianMs).toBeGreaterThanOrEqual(50);
    expect(d.postgresMedianMs).toBeGreaterThan(d.limitMs);
    expect(d.ratio).toBeGreaterThan(1.5);
    expect(d.failAbovePct).toBe(50);
    expect(slow.message).toMatch(/^query slow: median [\d.]+ ms on PostgreSQL, [\d.]+ ms on SQLite \([\d.]+×\): more than 50% \(and 1 ms\) slower \(limit [\d.]+ ms\): roll back$/);
    const fast = finding('migration/query/fast/latency');
    expect((fast.details as { ratio: number }).ratio).toBeLessThan(1.5);
    const q = result.queries.find((x) => x.name === 'slow');
    expect([q?.sqlite.runs, q?.postgres.runs]).toEqual([3, 3]);
    expect(q?.explain).toMatch(/Seq Scan on orders[\s\S]*Buffers: shared hit=[\s\S]*Execution Time/);
    const writes = finding('migration/query/writes/latency');
    expect(writes.message).toMatch(/^query writes: latency not measured \(3 runs on SQLite, 0 on PostgreSQL\): PostgreSQL: cannot execute nextval\(\) in a read-only transaction \(SQLSTATE 25006\)$/);
    expect(writes.details).toMatchObject({ postgresRuns: 0, postgresError: { sqlState: '25006' } });
  });

  it('search parity: the tokenizer difference gives overlap 0.4 (4 of 10 ids), top-5 0.8, and the threshold in the message', () => {
    expect(finding('migration/search/alpha')).toMatchObject({
      message: 'search alpha: overlap 0.4 (4 of 10 ids), top-5 agreement 0.8, same rank 0.8; 6 ids on SQLite, 8 on PostgreSQL (overlap below 0.5: the results mostly differ)',
      details: { overlap: 0.4, warnBelow: 0.5, shared: 4, union: 10, topKAgreement: 0.8, rankAgreement: 0.8 },
    });
    expect(result.search.find((s) => s.name === 'alpha')).toMatchObject({ sqliteTopK: ['1', '2', '3', '4', '5'], postgresTopK: ['1', '2', '3', '4', '7'] });
    expect(finding('migration/search/customers').details).toMatchObject({ overlap: 1, topKAgreement: 1, rankAgreement: 1 });
  });

  it('corruption: the file passes quick_check; the target without checksums has no figure, said as info', () => {
    expect(result.integrity).toEqual({ sqlite: { ok: true, problems: [] }, postgres: { checksums: false, checksumFailures: null } });
    expect(finding('migration/integrity/postgres').message).toBe('the target runs without data checksums: corrupt pages would not be detected (no checksum-failure figure)');
  });

  it('a query that is not a SELECT is refused before anything opens, naming it', async () => {
    const spec = { queries: [{ name: 'purge', sqlite: 'SELECT 1', postgres: 'DELETE FROM orders' }] };
    await expect(checkMigration({ source, target: server.endpoint('app'), validation: await validateSqlite({ source, target: server.endpoint('app') }), spec })).rejects.toThrow(
      'migration query "purge" (PostgreSQL): expected a single SELECT (or WITH … SELECT), the checks never write: not a SELECT: starts with DELETE',
    );
  });

  it('HTML: the figures beside their findings, a table named <b> escaped, the plan folded; Markdown: one line each', () => {
    const html = migrationSectionHtml(result, findings);
    expect(html).toContain('<h2>Migration (rollback matrix)</h2>');
    expect(html).toContain('public.&lt;b&gt;');
    expect(html).not.toContain('public.<b>');
    expect(html).toContain('<td class="num">0.1%</td>');
    expect(html).toContain('id=7, customer_id=999');
    expect(html).toContain('0.4 (4 of 10)');
    expect(html).toMatch(/<details><summary>EXPLAIN ANALYZE<\/summary><pre>[^<]*Seq Scan on orders/);
    expect((html.match(/class="badge sev-fail"/g) ?? []).length).toBe(findings.filter((f) => f.severity === 'fail').length);
    const md = migrationMarkdown(result);
    expect(md).toContain('| rows | public.&lt;b&gt; | 4 → 3 | 25% mismatch |');
    expect(md).toContain('| search | alpha | overlap 0.4 | top-5 0.8 |');
    expect(md).toContain('| corruption | SQLite quick\\_check | ok |  |');
  });
});
