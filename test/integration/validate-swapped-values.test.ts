import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { labReady, startLabServer } from '../support/lab.js';
import { validateData, type ValidationProgress } from '../../validate/run-validation.js';

/**
 * A bucket's digest sums its rows' hashes. When a row hash was a linear combination of its
 * columns' hashes (hash_record_extended is one), two rows of one bucket trading a column's values
 * summed the same and the table compared equal. The columns hashed one by one tell apart -0 and 0,
 * a float's last bit and one microsecond, and equate NaNs. Also: differences scattered over most buckets of
 * a table (each bucket split once, then only the small differing ones fetched) are all found, and
 * progress is reported as the table starts, after its digests and as it ends.
 */
describe.skipIf(!labReady(17))('validate: values swapped between rows, scattered differences (skipped without the upgrade lab)', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLabServer(17, { name: 'validate-swap' });
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE s');
    {
      await using db = await server.admin('s');
      await db.query(`
        CREATE TABLE pair (id int PRIMARY KEY, v text, f float8);
        INSERT INTO pair VALUES (1, 'a', 1.5), (2, 'b', 2.5);
        CREATE TABLE edge (id int PRIMARY KEY, f float8, r real, at timestamptz, ok bool);
        INSERT INTO edge VALUES (1, 0, 0, 'infinity', true), (2, '-0', '-0', '-infinity', false), (3, 'NaN', 'NaN', '2024-01-01 00:00:00.000001+00', NULL),
          (4, 0.1, 0.1, '2024-01-01 00:00:00+00', true), (5, 1, 1, '2024-01-01 00:00:00+00', false);
        CREATE TABLE scattered (id bigint PRIMARY KEY, v text);
        INSERT INTO scattered SELECT g, 'v' || g FROM generate_series(1, 300000) g;
        ANALYZE;`);
    }
    await admin.query('CREATE DATABASE t TEMPLATE s');
    await using db = await server.admin('t');
    await db.query(`
      UPDATE pair SET v = CASE id WHEN 1 THEN 'b' ELSE 'a' END, f = CASE id WHEN 1 THEN 2.5 ELSE 1.5 END;
      UPDATE scattered SET v = v || '!' WHERE id % 1000 = 7;
      -- Row 1: 0 becomes -0 (a change); row 3: a NaN of another computation (the same value);
      -- row 4: the float's last bit; row 5: one microsecond and a boolean.
      UPDATE edge SET f = '-0' WHERE id = 1;
      UPDATE edge SET f = 'Infinity'::float8 - 'Infinity'::float8, r = 'Infinity'::real - 'Infinity'::real WHERE id = 3;
      UPDATE edge SET f = 0.10000000000000002 WHERE id = 4;
      UPDATE edge SET at = at + interval '1 microsecond', ok = true WHERE id = 5;`);
  });
  afterAll(() => server?.close());

  it('finds values swapped between two rows of one bucket', async () => {
    const result = await validateData({ source: server.endpoint('s'), target: server.endpoint('t'), tables: [] });
    const pair = result.tables.find((x) => x.table === 'public.pair');
    expect(pair).toMatchObject({ status: 'different', changed: 2, missing: 0, extra: 0 });
    expect(pair?.changedRows.map((r) => [r.key.id, r.columns.map((c) => c.column)])).toEqual([
      ['1', ['v', 'f']],
      ['2', ['v', 'f']],
    ]);
  });

  it('hashes each column by its own function and tells apart what the canonical forms do', async () => {
    const result = await validateData({ source: server.endpoint('s'), target: server.endpoint('t') });
    const edge = result.tables.find((x) => x.table === 'public.edge');
    expect(edge).toMatchObject({ status: 'different', changed: 3, missing: 0, extra: 0 });
    expect(edge?.changedRows.map((r) => [r.key.id, r.columns.map((c) => c.column)]).sort()).toEqual([
      ['1', ['f']],
      ['4', ['f']],
      ['5', ['at', 'ok']],
    ]);
  });

  it('finds every scattered difference, and reports progress', async () => {
    const progress: ValidationProgress[] = [];
    const result = await validateData({ source: server.endpoint('s'), target: server.endpoint('t'), onProgress: (p) => progress.push(p) });
    const scattered = result.tables.find((x) => x.table === 'public.scattered');
    expect(scattered).toMatchObject({ status: 'different', changed: 300, missing: 0, extra: 0, sourceRows: 300_000 });
    expect(scattered?.changedRows).toHaveLength(100);
    expect(progress[0]).toMatchObject({ tablesDone: 0, tablesTotal: 3, rowsCompared: 0, differences: 0 });
    // After its digests (every row counted), before its differences are.
    expect(progress.some((p) => p.table === 'public.scattered' && p.rowsCompared >= 300_000 && p.differences < 305)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ tablesDone: 3, tablesTotal: 3, rowsCompared: 300_007, differences: 305 });
    expect(progress.at(-1)?.table).toBeUndefined();
    // Monotonic, as a progress line needs.
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.elapsedMs).toBeGreaterThanOrEqual(progress[i - 1]?.elapsedMs ?? 0);
  });
});
