import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { CutoverError } from '../../core/errors.js';
import { openSession } from '../../core/session.js';
import { labReady, startLabServer } from '../support/lab.js';
import { hasPgBouncer, startUserPgBouncer } from '../support/user-pgbouncer.js';
import { parseTablePatterns } from '../../validate/table-patterns.js';
import { parseTableGroup } from '../../validate/table-groups.js';
import { validateData, type ValidateOptions } from '../../validate/run-validation.js';
import { openSnapshotSession } from '../../validate/snapshot-session.js';
import type { Session } from '../../core/session.js';
import type { TableResult } from '../../validate/result.js';

/**
 * Injected differences on 1,000,000-row tables (a bigint key, a composite text + timestamp key) and
 * on a table without a key, between two databases of a lab server: each is reported exactly (key,
 * column, both values), nothing else is, and the counts are exact. The target starts as a copy of
 * the source (CREATE DATABASE ... TEMPLATE), then each difference is made by hand.
 */

const ROWS = 1_000_000;

const SOURCE_SQL = `
CREATE TABLE big (id bigint PRIMARY KEY, n int NOT NULL, label text, f float8, at timestamptz, doc jsonb, note text, amount numeric(12, 2));
INSERT INTO big SELECT g, g % 1000, 'label ' || g, g + 0.5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second 7 microseconds',
  jsonb_build_object('k', g, 'tags', jsonb_build_array('a', g % 7)), CASE WHEN g % 1000 = 0 THEN NULL ELSE 'note ' || g END, g * 1.25
FROM generate_series(1, ${ROWS}) g;
CREATE TABLE events (region text, at timestamp, payload text, score float8, PRIMARY KEY (region, at));
INSERT INTO events SELECT 'région-' || (g % 37), timestamp '2024-01-01' + g * interval '1 second 1 microsecond', 'payload ' || g, g / 3.0
FROM generate_series(1, ${ROWS}) g;
CREATE TABLE log (msg text, n int);
INSERT INTO log SELECT 'message ' || (g % 500), g % 500 FROM generate_series(1, 1000) g;
CREATE TABLE same (id uuid PRIMARY KEY, v numeric);
INSERT INTO same SELECT md5(g::text)::uuid, g / 7.0 FROM generate_series(1, 5000) g;
CREATE TABLE emptied (id int PRIMARY KEY, v text);
INSERT INTO emptied SELECT g, 'v' || g FROM generate_series(1, 50000) g;
CREATE TABLE grown (id int PRIMARY KEY);
INSERT INTO grown SELECT generate_series(1, 1000);
CREATE TABLE keyless_gone (x int);
INSERT INTO keyless_gone SELECT generate_series(1, 300);
ANALYZE;
`;

/** The float8 one unit in the last place above `x`. */
function nextUp(x: number): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  buf.setBigUint64(0, buf.getBigUint64(0) + 1n);
  return String(buf.getFloat64(0));
}

const DIFFERENCES_SQL = `
UPDATE big SET n = n + 1 WHERE id = 1000;
DELETE FROM big WHERE id = 2000;
INSERT INTO big VALUES (${ROWS + 1}, 1, 'new', 1, now(), '{}', 'new', 1);
UPDATE big SET f = '${nextUp(3000.5)}'::float8 WHERE id = 3000;
UPDATE big SET at = at + interval '1 microsecond' WHERE id = 4000;
UPDATE big SET doc = jsonb_set(doc, '{tags,1}', '"changed"') WHERE id = 5000;
UPDATE big SET note = '' WHERE id = 6000;
UPDATE events SET payload = 'edited' WHERE region = 'région-1' AND at = timestamp '2024-01-01' + 1 * interval '1 second 1 microsecond';
DELETE FROM events WHERE region = 'région-2' AND at = timestamp '2024-01-01' + 2 * interval '1 second 1 microsecond';
INSERT INTO events VALUES ('région-x', '2030-01-01 00:00:00.000001', 'extra', 0);
UPDATE events SET score = '${nextUp(3 / 3)}'::float8 WHERE region = 'région-3' AND at = timestamp '2024-01-01' + 3 * interval '1 second 1 microsecond';
INSERT INTO log VALUES ('message 7', 7);
DELETE FROM emptied WHERE id > 10;
INSERT INTO grown SELECT generate_series(1001, 4000);
TRUNCATE keyless_gone;
`;

describe.skipIf(!labReady(17))('validate on injected differences (skipped without the upgrade lab: scripts/lab.sh)', () => {
  let server: LocalServer;
  let options: ValidateOptions;

  beforeAll(async () => {
    server = await startLabServer(17, { name: 'validate-data' });
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE vsource');
    {
      await using db = await server.admin('vsource');
      await db.query(SOURCE_SQL);
    }
    await admin.query('CREATE DATABASE vtarget TEMPLATE vsource');
    await using target = await server.admin('vtarget');
    await target.query(DIFFERENCES_SQL);
    options = { source: server.endpoint('vsource'), target: server.endpoint('vtarget') };
  });
  afterAll(() => server?.close());

  function table(tables: TableResult[], name: string): TableResult {
    const t = tables.find((x) => x.table === name);
    if (!t) throw new Error(`no result for ${name}`);
    return t;
  }

  it('reports each injected difference exactly, and nothing else', async () => {
    const result = await validateData(options);
    expect(result.outcome).toBe('different');
    expect(result.tables.map((t) => [t.table, t.status])).toEqual([
      ['public.big', 'different'],
      ['public.emptied', 'different'],
      ['public.events', 'different'],
      ['public.grown', 'different'],
      ['public.keyless_gone', 'different'],
      ['public.log', 'different'],
      ['public.same', 'equal'],
    ]);

    const big = table(result.tables, 'public.big');
    expect(big).toMatchObject({ sourceRows: ROWS, targetRows: ROWS, missing: 1, extra: 1, changed: 5, key: ['id'], localised: true });
    expect(big.missingRows).toEqual([{ key: { id: '2000' } }]);
    expect(big.extraRows).toEqual([{ key: { id: String(ROWS + 1) } }]);
    const changed = Object.fromEntries(big.changedRows.map((r) => [r.key.id, r.columns]));
    expect(changed).toEqual({
      '1000': [{ column: 'n', source: { text: '0' }, target: { text: '1' } }],
      '3000': [{ column: 'f', source: { text: '3000.5' }, target: { text: nextUp(3000.5) } }],
      '4000': [{ column: 'at', source: { text: '2024-01-01 01:06:40.028+00' }, target: { text: '2024-01-01 01:06:40.028001+00' } }],
      '5000': [{ column: 'doc', source: { text: '{"k": 5000, "tags": ["a", 2]}' }, target: { text: '{"k": 5000, "tags": ["a", "changed"]}' } }],
      '6000': [{ column: 'note', source: { text: null }, target: { text: '' } }],
    });

    const events = table(result.tables, 'public.events');
    expect(events).toMatchObject({ sourceRows: ROWS, targetRows: ROWS, missing: 1, extra: 1, changed: 2, key: ['region', 'at'] });
    expect(events.missingRows).toEqual([{ key: { region: 'région-2', at: '2024-01-01 00:00:02.000002' } }]);
    expect(events.extraRows).toEqual([{ key: { region: 'région-x', at: '2030-01-01 00:00:00.000001' } }]);
    expect(events.changedRows).toEqual(
      expect.arrayContaining([
        { key: { region: 'région-1', at: '2024-01-01 00:00:01.000001' }, columns: [{ column: 'payload', source: { text: 'payload 1' }, target: { text: 'edited' } }] },
        { key: { region: 'région-3', at: '2024-01-01 00:00:03.000003' }, columns: [{ column: 'score', source: { text: '1' }, target: { text: nextUp(1) } }] },
      ]),
    );

    const log = table(result.tables, 'public.log');
    expect(log).toMatchObject({ sourceRows: 1000, targetRows: 1001, missing: 0, extra: 1, changed: 0, key: [], localised: false });
    expect(log.multisetRows).toEqual([{ values: { msg: { text: 'message 7' }, n: { text: '7' } }, sourceCount: 2, targetCount: 3 }]);
    // Whole buckets on one side only: exact counts from the digests, rows read only up to the listing cap (100).
    const emptied = table(result.tables, 'public.emptied');
    expect(emptied).toMatchObject({ sourceRows: 50_000, targetRows: 10, missing: 49_990, extra: 0, changed: 0 });
    expect(emptied.missingRows).toHaveLength(100);
    expect(emptied.missingRows.every((r) => Number(r.key.id) > 10)).toBe(true);
    const grown = table(result.tables, 'public.grown');
    expect(grown).toMatchObject({ sourceRows: 1000, targetRows: 4000, missing: 0, extra: 3000, changed: 0 });
    expect(grown.extraRows).toHaveLength(100);
    expect(grown.extraRows.every((r) => Number(r.key.id) > 1000)).toBe(true);
    const gone = table(result.tables, 'public.keyless_gone');
    expect(gone).toMatchObject({ sourceRows: 300, targetRows: 0, missing: 300, extra: 0, localised: false });
    expect(gone.multisetRows).toHaveLength(100);
    expect(gone.multisetRows[0]).toMatchObject({ sourceCount: 1, targetCount: 0 });
    expect(result.summary).toMatchObject({ tables: 7, equal: 1, different: 6, missingRows: 2 + 49_990 + 300, extraRows: 3 + 3000, changedRows: 7 });
  });

  it('compares only the selected tables, and names a pattern that selects none', async () => {
    const only = await validateData({ ...options, tables: parseTablePatterns(['public.s*'], '--tables') });
    expect(only.tables.map((t) => [t.table, t.status])).toEqual([['public.same', 'equal']]);
    expect(only.outcome).toBe('equal');
    const excluded = await validateData({ ...options, exclude: parseTablePatterns(['big', 'events', 'log', 'emptied', 'grown', 'keyless_*'], '--exclude') });
    expect(excluded.tables.map((t) => t.table)).toEqual(['public.same']);
    const error = await validateData({ ...options, tables: parseTablePatterns(['public.nope*'], '--tables') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect(error).toMatchObject({ code: 'usage', message: 'table pattern "public.nope*" matches no table on either side' });
  });

  it('reports a table on one side, compares int4 against int8 by value, and refuses text against jsonb for that table only', async () => {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE schema_a');
    await admin.query('CREATE DATABASE schema_b');
    {
      await using a = await server.admin('schema_a');
      await a.query(`CREATE TABLE only_here (id int PRIMARY KEY); CREATE TABLE widened (id int4 PRIMARY KEY, v int4);
        INSERT INTO widened SELECT g, g * 2 FROM generate_series(1, 100) g; CREATE TABLE retyped (id int PRIMARY KEY, doc text); INSERT INTO retyped VALUES (1, '{}')`);
    }
    {
      await using b = await server.admin('schema_b');
      await b.query(`CREATE TABLE widened (id int8 PRIMARY KEY, v int8); INSERT INTO widened SELECT g, g * 2 FROM generate_series(1, 100) g;
        CREATE TABLE retyped (id int PRIMARY KEY, doc jsonb); INSERT INTO retyped VALUES (1, '{}'); CREATE TABLE only_there (id int)`);
    }
    const result = await validateData({ source: server.endpoint('schema_a'), target: server.endpoint('schema_b') });
    expect(result.tables.map((t) => [t.table, t.status, t.reason ?? t.notes.join('; ')])).toEqual([
      ['public.only_here', 'missing', 'missing on the target'],
      ['public.only_there', 'missing', 'missing on the source (only on the target)'],
      ['public.retyped', 'error', 'column doc: text on the source, jsonb on the target: no common form to compare'],
      ['public.widened', 'equal', 'column id: integer on the source, bigint on the target: compared by value; column v: integer on the source, bigint on the target: compared by value'],
    ]);
    expect(table(result.tables, 'public.widened')).toMatchObject({ sourceRows: 100, targetRows: 100 });
    expect(result.outcome).toBe('different');
  });

  it('matches the rows of a table without a key by its --group-by columns: a change in a group of one row is a changed row, NULL groups included', async () => {
    await using admin = await server.admin();
    for (const name of ['group_a', 'group_b']) {
      await admin.query(`CREATE DATABASE ${name}`);
      await using db = await server.admin(name);
      await db.query(`CREATE TABLE readings (device text, day date, value float8, note text);
        INSERT INTO readings SELECT 'dev-' || (g % 50), date '2024-01-01' + g / 50, g, NULL FROM generate_series(1, 20000) g;
        INSERT INTO readings VALUES ('dev-dup', '2024-01-01', 1, 'a'), ('dev-dup', '2024-01-01', 2, 'b'), (NULL, '2024-02-01', 5, 'no device');
        ANALYZE readings`);
      if (name === 'group_b') {
        await db.query(`UPDATE readings SET value = -1 WHERE device = 'dev-7' AND day = date '2024-01-01' + 10;
          UPDATE readings SET note = 'b2' WHERE device = 'dev-dup' AND value = 2;
          UPDATE readings SET note = 'changed' WHERE device IS NULL`);
      }
    }
    const both = { source: server.endpoint('group_a'), target: server.endpoint('group_b') };
    const multiset = table((await validateData(both)).tables, 'public.readings');
    expect(multiset).toMatchObject({ key: [], localised: false, missing: 3, extra: 3, changed: 0 });
    const grouped = table((await validateData({ ...both, groupBy: [parseTableGroup('readings=device,day', '--group-by')] })).tables, 'public.readings');
    expect(grouped).toMatchObject({ status: 'different', key: ['device', 'day'], localised: true, sourceRows: 20_003, targetRows: 20_003, missing: 1, extra: 1, changed: 2 });
    expect(grouped.notes).toContain('no key: rows grouped by device, day (--group-by); a group of more than one row is compared as a multiset');
    expect(grouped.missingRows).toEqual([{ key: { device: 'dev-dup', day: '2024-01-01' } }]);
    expect(grouped.extraRows).toEqual([{ key: { device: 'dev-dup', day: '2024-01-01' } }]);
    const changed = Object.fromEntries(grouped.changedRows.map((r) => [String(r.key.device), r.columns]));
    expect(changed).toEqual({
      'dev-7': [{ column: 'value', source: { text: '507' }, target: { text: '-1' } }],
      null: [{ column: 'note', source: { text: 'no device' }, target: { text: 'changed' } }],
    });
    const unknown = await validateData({ ...both, groupBy: [parseTableGroup('readings=device,nope', '--group-by')] }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'usage', message: '--group-by readings=device,nope: public.readings has no column nope on both sides (its columns: device, day, value, note)' });
  });

  it('splits the one bucket of a table never analysed (no estimate) and still finds its one change', async () => {
    await using admin = await server.admin();
    for (const name of ['fresh_a', 'fresh_b']) {
      await admin.query(`CREATE DATABASE ${name}`);
      await using db = await server.admin(name);
      await db.query(`CREATE TABLE fresh (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = off); INSERT INTO fresh SELECT g, g FROM generate_series(1, 30000) g`);
      if (name === 'fresh_b') await db.query(`UPDATE fresh SET v = -1 WHERE id = 12345`);
    }
    const result = await validateData({ source: server.endpoint('fresh_a'), target: server.endpoint('fresh_b') });
    const fresh = table(result.tables, 'public.fresh');
    expect(fresh.buckets).toEqual({ total: 1, differing: 1 });
    expect(fresh).toMatchObject({ sourceRows: 30_000, targetRows: 30_000, missing: 0, extra: 0, changed: 1 });
    expect(fresh.changedRows).toEqual([{ key: { id: '12345' }, columns: [{ column: 'v', source: { text: '12345' }, target: { text: '-1' } }] }]);
  });

  it('skips a table it may not read, with the reason, and compares the rest (outcome incomplete)', async () => {
    await using admin = await server.admin();
    await admin.query(`CREATE ROLE validate_reader LOGIN PASSWORD 'reader-pw'`);
    for (const name of ['perm_a', 'perm_b']) {
      await admin.query(`CREATE DATABASE ${name}`);
      await using db = await server.admin(name);
      await db.query(`CREATE TABLE open_t (id int PRIMARY KEY); INSERT INTO open_t VALUES (1), (2); CREATE TABLE secret (id int PRIMARY KEY);
        GRANT SELECT ON open_t TO validate_reader`);
    }
    const reader = (db: string) => server.endpoint(db, 'validate_reader', 'reader-pw');
    const result = await validateData({ source: reader('perm_a'), target: reader('perm_b') });
    expect(result.tables.map((t) => [t.table, t.status, t.reason])).toEqual([
      ['public.open_t', 'equal', undefined],
      ['public.secret', 'error', 'permission denied for table secret (SQLSTATE 42501)'],
    ]);
    expect(table(result.tables, 'public.secret').error).toMatchObject({ sqlState: '42501' });
    expect(result.outcome).toBe('incomplete');
  });

  it("splits each side's large tables between --jobs sessions: the same results with 1 and 4", async () => {
    const one = await validateData({ ...options, jobs: 1 });
    const four = await validateData({ ...options, jobs: 4 });
    const shape = (r: typeof one) => r.tables.map((t) => ({ ...t, durationMs: 0, changedRows: [...t.changedRows].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))) }));
    expect(shape(four)).toEqual(shape(one));
    expect(four.summary).toEqual(one.summary);
    const error = await validateData({ ...options, jobs: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'usage', message: 'jobs must be a whole number from 1 to 32, got 0' });
  });

  it('a session given an exported snapshot reads as of the exporter, not as of its own start', async () => {
    const sessionOptions = { statementTimeoutMs: 10_000, lockTimeoutMs: 1_000, applicationName: 'cutover test' };
    await using exporter = await openSnapshotSession(server.endpoint('vsource'), sessionOptions);
    const [{ id } = { id: '' }] = await exporter.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    {
      await using admin = await server.admin('vsource');
      await admin.query(`CREATE TABLE IF NOT EXISTS later (x int); INSERT INTO later VALUES (1)`);
    }
    try {
      await using imported = await openSnapshotSession(server.endpoint('vsource'), { ...sessionOptions, snapshot: id });
      await using own = await openSnapshotSession(server.endpoint('vsource'), sessionOptions);
      const seen = (s: Session) => s.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_class WHERE relname = 'later'`);
      expect(await seen(imported)).toEqual([{ n: '0' }]);
      expect(await seen(own)).toEqual([{ n: '1' }]);
    } finally {
      await using admin = await server.admin('vsource');
      await admin.query('DROP TABLE later');
    }
  });

  it('takes about as long as a few scans of the tables (timings printed, not gated)', async () => {
    await using db = await server.admin('vsource');
    const t0 = performance.now();
    await db.query('SELECT count(*) FROM big');
    const countMs = performance.now() - t0;
    const t1 = performance.now();
    await db.query('SELECT count(*) FROM big AS t WHERE t IS NOT NULL');
    const fullRowMs = performance.now() - t1;
    const identical = await validateData({ ...options, target: server.endpoint('vsource'), tables: parseTablePatterns(['big'], '--tables') });
    const differing = await validateData({ ...options, tables: parseTablePatterns(['big'], '--tables') });
    console.log(
      `validate ${ROWS} rows: identical ${identical.durationMs} ms, 7 differences ${differing.durationMs} ms; count(*) ${Math.round(countMs)} ms, full-row scan ${Math.round(fullRowMs)} ms (one side)`,
    );
    expect(identical.outcome).toBe('equal');
  });
});

describe('validate when a server goes away mid-way', () => {
  it('keeps the tables compared so far, lists the rest as not compared, and says why it stopped', async () => {
    await using server = await LocalServer.start({ version: '17', name: 'validate-gone' });
    {
      await using db = await server.admin();
      await db.query(`CREATE TABLE t1 (id int PRIMARY KEY); CREATE TABLE t2 (id int PRIMARY KEY); CREATE TABLE t3 (id int PRIMARY KEY);
        INSERT INTO t1 VALUES (1); INSERT INTO t2 VALUES (2); INSERT INTO t3 VALUES (3)`);
    }
    const endpoint = server.endpoint();
    const result = await validateData({
      source: endpoint,
      target: endpoint,
      onTable: async (t) => {
        if (t.table === 'public.t1') await server.stop('immediate');
      },
    });
    expect(result.tables.map((t) => [t.table, t.status])).toEqual([
      ['public.t1', 'equal'],
      ['public.t2', 'error'],
      ['public.t3', 'error'],
    ]);
    expect(result.tables[1]?.reason).toMatch(/^not compared: /);
    expect(result.tables[2]?.reason).toMatch(/^not compared: the validation stopped \(/);
    expect(result.stopped?.message).toBeTruthy();
    expect(result.outcome).toBe('incomplete');
  });
});

describe.skipIf(!hasPgBouncer())('validate through PgBouncer (skipped without /usr/sbin/pgbouncer: scripts/test-deps.sh installs it)', () => {
  it('keeps one snapshot per side through session and transaction pooling, with nothing left on the pooled connections', async () => {
    await using server = await LocalServer.start({ version: '17', name: 'validate-pooler' });
    {
      await using db = await server.admin();
      await db.query(`CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)`);
    }
    await using bouncer = await startUserPgBouncer({
      server: { host: server.host, port: server.port },
      user: 'postgres',
      password: server.password,
      databases: { app_session: 'session', app_transaction: 'transaction' },
    });
    const through = (alias: string) => ({ ...server.endpoint(alias), port: bouncer.port });
    const pooled = await validateData({ source: through('app_transaction'), target: through('app_transaction') });
    expect(pooled.tables.map((t) => [t.table, t.status, t.sourceRows])).toEqual([['public.t', 'equal', 2]]);
    // The settings were local to the validation's transactions: a later client of the pool (on
    // the server connections the validation used) sees the defaults.
    {
      await using client = await openSession(through('app_transaction'), { readOnly: false });
      expect(await client.query(`SELECT current_setting('enable_sort') AS s, current_setting('transaction_read_only') AS ro`)).toEqual([{ s: 'on', ro: 'off' }]);
    }
    const ok = await validateData({ source: server.endpoint(), target: through('app_session') });
    expect(ok.tables.map((t) => [t.table, t.status])).toEqual([['public.t', 'equal']]);
  });
});
