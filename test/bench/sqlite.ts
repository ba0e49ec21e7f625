/**
 * SQLite → PostgreSQL validation benchmark (issue 16): a SQLite file of BENCH_SQLITE_ROWS rows
 * (1,000,000 by default: integer key, text, JSON, ISO timestamp, REAL, 0/1 boolean) loaded into a
 * PostgreSQL 17 table, then `validateSqlite` (what `cutover validate --source sqlite:` runs) timed
 * beside `SELECT count(*)` on both sides in the same run, and the two halves of the validation
 * apart: reading and hashing the file in Node, and the database's digest in the server.
 *
 *   BENCH=sqlite npm run bench
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';
import { openSqliteFile } from '../../core/sqlite-file.js';
import { readSqliteCatalog } from '../../core/sqlite-catalog.js';
import { readCatalog } from '../../validate/catalog.js';
import { DEFAULT_COMPARE, initialBits } from '../../validate/compare-table.js';
import { crossDigestSql, fileDigests } from '../../validate/sqlite-compare.js';
import { planCrossValidation } from '../../validate/sqlite-plan.js';
import { openSnapshotSession } from '../../validate/snapshot-session.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import { loadSqlite } from '../../scenarios/sqlite/builtin-loader.js';
import { findPgloader, runPgloader } from '../../scenarios/sqlite/pgloader-loader.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function timed(repeat: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? NaN;
}

export async function benchSqlite(rows: number, repeat: number): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'cutover-bench-sqlite-'));
  try {
    const file = join(work, 'app.db');
    const t0 = performance.now();
    const db = new Database(file);
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE resources (id INTEGER PRIMARY KEY, subject TEXT NOT NULL, meta JSON, created_at TEXT, score REAL, active INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= rows; i++) {
        insert.run(i, `subject ${i}`, `{"n": ${i}, "tags": ["a", ${i % 7}]}`, new Date(Date.UTC(2024, 0, 1) + i * 1_001).toISOString(), i / 3, i % 2);
      }
    })();
    db.close();
    await using server = await LocalServer.start({ version: '17', name: 'bench-sqlite', settings: { shared_buffers: '1GB' } });
    {
      await using admin = await server.admin();
      await admin.query('CREATE DATABASE app');
    }
    await using pg = await server.admin('app');
    await pg.query(`CREATE TABLE resources (id bigint PRIMARY KEY, subject text NOT NULL, meta jsonb, created_at timestamptz, score double precision, active boolean NOT NULL)`);
    const src = new Database(file, { readonly: true });
    const chunk = 100_000;
    for (let from = 1; from <= rows; from += chunk) {
      const part = src.prepare('SELECT * FROM resources WHERE id BETWEEN ? AND ?').raw(true).all(from, from + chunk - 1) as unknown[][];
      const col = (i: number): unknown[] => part.map((r) => r[i]);
      await pg.query(`INSERT INTO resources SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::float8[], $6::int[]::boolean[])`, [col(0), col(1), col(2), col(3), col(4), col(5)]);
    }
    await pg.query('VACUUM (FREEZE, ANALYZE) resources');
    console.log(`bench sqlite: ${rows.toLocaleString('en-US')} rows, a SQLite file and PostgreSQL 17 (embedded), seeded and loaded in ${seconds(performance.now() - t0)}; median of ${repeat}`);

    const location = parseSqliteLocation(`sqlite:${file}`, work);
    if (!location) throw new Error('no location');
    const sqliteCount = await timed(repeat, () => src.prepare('SELECT count(*) FROM resources').get());
    const pgCount = await timed(repeat, () => pg.query('SELECT count(*) FROM resources'));
    const pgFloor = await timed(repeat, () => pg.query('SELECT count(*) FROM resources AS t WHERE t IS NOT NULL'));
    const sqliteScan = await timed(repeat, () => {
      let n = 0;
      for (const r of src.prepare('SELECT * FROM resources').raw(true).iterate()) if (r) n++;
      return n;
    });
    // The two halves apart: the file's digests in Node, the database's in the server.
    const halves = await (async () => {
      using f = await openSqliteFile(location, { label: 'bench' });
      await using session = await openSnapshotSession(server.endpoint('app'), { statementTimeoutMs: 3_600_000, lockTimeoutMs: 2_000, applicationName: 'bench' });
      const plan = planCrossValidation(readSqliteCatalog(f), await readCatalog(session, []), { schema: 'public', include: [], exclude: [] }).tables[0];
      if (!plan) throw new Error('no table planned');
      const bits = initialBits(rows, DEFAULT_COMPARE.rowsPerBucket);
      return {
        node: await timed(repeat, () => fileDigests(plan, f, bits)),
        server: await timed(repeat, () => session.query(crossDigestSql(plan, bits))),
      };
    })();
    let outcome = '';
    const validate = await timed(repeat, async () => {
      const r = await validateSqlite({ source: location, target: server.endpoint('app') });
      outcome = `${r.outcome}: ${r.summary.sourceRows} rows on each side`;
    });
    src.close();
    const counts = sqliteCount + pgCount;
    console.log('\n| measurement | time | ÷ count(*) on both sides |\n|---|---:|---:|');
    const line = (name: string, ms: number): void => console.log(`| ${name} | ${seconds(ms)} | ${(ms / counts).toFixed(2)} |`);
    line(`**cutover validate --source sqlite:** (${outcome})`, validate);
    line('`count(*)` in SQLite + `count(*)` in PostgreSQL', counts);
    line('  of which SQLite `count(*)`', sqliteCount);
    line('  of which PostgreSQL `count(*)`', pgCount);
    line('  its file half: every row read, its forms made and hashed in Node', halves.node);
    line('  its database half: the digest query in PostgreSQL (the halves run at the same time)', halves.server);
    line('every row of the file read into Node (no forms, no hashing)', sqliteScan);
    line('PostgreSQL `count(*) WHERE t IS NOT NULL` (reads every column)', pgFloor);
    await benchLoaders(server, location, work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The load itself, the `sqlite-migrate` step's write freeze: cutover's built-in loader beside
 * pgloader (its peer, when installed) on the same file, each into an empty database, once each
 * (a load is not repeatable into the same database).
 */
async function benchLoaders(server: LocalServer, location: SqliteLocation, work: string): Promise<void> {
  {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE load_builtin');
    await admin.query('CREATE DATABASE load_pgloader');
  }
  const t0 = performance.now();
  const builtin = await loadSqlite({ source: location, target: server.endpoint('load_builtin') });
  const builtinMs = performance.now() - t0;
  const rows = builtin.tables.reduce((n, t) => n + t.rows, 0);
  console.log('\n| load (the write freeze) | time | rows/s | ÷ built-in loader |\n|---|---:|---:|---:|');
  const line = (name: string, ms: number, loaded: number): void => console.log(`| ${name} | ${seconds(ms)} | ${Math.round(loaded / (ms / 1000)).toLocaleString('en-US')} | ${(ms / builtinMs).toFixed(2)} |`);
  line('**cutover built-in loader** (keys, indexes, ANALYZE)', builtinMs, rows);
  const pgloader = findPgloader();
  if (!pgloader) {
    console.log('| pgloader | not installed (scripts/pgloader.sh) | | |');
    return;
  }
  const t1 = performance.now();
  const ran = await runPgloader({ source: location, target: server.endpoint('load_pgloader'), logFile: join(work, 'pgloader.log'), binary: pgloader });
  line(`pgloader ${ran.version} (no keys: it creates none from SQLite)`, performance.now() - t1, ran.tables.reduce((n, t) => n + t.rows, 0));
}
