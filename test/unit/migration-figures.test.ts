import { describe, expect, it } from 'vitest';
import { idSets, median, mismatchPct, overlap, topKFigures } from '../../validate/migration-figures.js';
import { migrationFindings } from '../../validate/migration-findings.js';
import type { MigrationQuery, MigrationResult, MigrationTimings } from '../../validate/migration-result.js';
import { migrationSpecSchema } from '../../validate/migration-spec.js';
import { selectPairs } from '../../validate/migration-select.js';
import { idText } from '../../validate/migration-search.js';

describe('migration figures', () => {
  it('median: the middle one, the mean of the two middle ones, none for none; order does not matter', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it('row-count mismatch: |a − b| / max(a, 1) × 100, exact at the runbook figures', () => {
    expect(mismatchPct(1000, 999)).toBe(0.1);
    expect(mismatchPct(1000, 990)).toBe(1);
    expect(mismatchPct(500, 490)).toBe(2);
    expect(mismatchPct(0, 3)).toBe(300);
    expect(mismatchPct(0, 0)).toBe(0);
    expect(mismatchPct(10, 12)).toBe(20);
  });

  it('overlap: Jaccard of the ids as sets, 1 when both are empty, duplicates counted once', () => {
    expect(overlap(['1', '2', '3', '4'], ['3', '4', '5', '6'])).toBe(2 / 6);
    expect(idSets(['1', '2', '3', '4'], ['3', '4', '5', '6'])).toEqual({ shared: 2, union: 6 });
    expect(overlap([], [])).toBe(1);
    expect(overlap(['1'], [])).toBe(0);
    expect(overlap(['1', '1', '2'], ['2', '1'])).toBe(1);
  });

  it('top-k: shared ids and same positions among the first k, over the larger top-k list', () => {
    expect(topKFigures(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'x'], 3)).toEqual({ kPrime: 3, shared: 3, topKAgreement: 1, samePosition: 1, rankAgreement: 1 / 3 });
    expect(topKFigures(['a', 'b'], ['a', 'b', 'c', 'd'], 10)).toEqual({ kPrime: 4, shared: 2, topKAgreement: 0.5, samePosition: 2, rankAgreement: 0.5 });
    expect(topKFigures([], [], 5)).toEqual({ kPrime: 0, shared: 0, topKAgreement: 1, samePosition: 0, rankAgreement: 1 });
  });

  it('ids read the same from both engines: 7 and "7", a blob as hex, NULL spelled out', () => {
    expect([idText(7), idText('7'), idText(7n), idText(null), idText(Buffer.from([1, 255]))]).toEqual(['7', '7', '7', 'NULL', '\\x01ff']);
  });
});

describe('migration spec', () => {
  it('`{}` takes the runbook defaults; a part given gets its defaults filled in', () => {
    expect(migrationSpecSchema.parse({})).toEqual({});
    expect(migrationSpecSchema.default({}).parse(undefined)).toEqual({});
    expect(migrationSpecSchema.parse({ rowCount: {}, latency: { runs: 3 }, search: [{ name: 's', sqlite: 'SELECT 1', postgres: 'SELECT 1' }] })).toEqual({
      rowCount: { failAbovePct: 1 },
      latency: { failAbovePct: 50, minDifferenceMs: 1, runs: 3 },
      search: [{ name: 's', sqlite: 'SELECT 1', postgres: 'SELECT 1', k: 10 }],
    });
  });

  it('refuses unknown keys, writes, duplicate names and bad TABLE.COLUMN, saying where', () => {
    const issues = (input: unknown): string[] => {
      const r = migrationSpecSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ rowcount: {} })).toEqual([': Unrecognized key: "rowcount"']);
    expect(issues({ queries: [{ name: 'q', sqlite: 'SELECT 1', postgres: 'DELETE FROM t' }] })).toEqual(['queries.0.postgres: expected a single SELECT (or WITH … SELECT) for PostgreSQL: not a SELECT: starts with DELETE']);
    expect(issues({ queries: [{ name: 'q', sqlite: 'SELECT 1', postgres: 'SELECT 1' }, { name: 'q', sqlite: 'SELECT 2', postgres: 'SELECT 2' }] })).toEqual(['queries.1.name: duplicate name "q": each query names its own finding']);
    expect(issues({ required: ['users'] })).toEqual(['required.0: expected TABLE.COLUMN']);
    expect(issues({ latency: { runs: 0 } })).toEqual(['latency.runs: expected at least 1 run']);
  });

  it('a spec built in code is checked too: a write is a config error naming the query', () => {
    expect(() => selectPairs({ queries: [{ name: 'bad', sqlite: 'UPDATE t SET a = 1', postgres: 'SELECT 1' }] })).toThrow(/migration query "bad" \(SQLite\): expected a single SELECT .*not a SELECT: starts with UPDATE/);
    expect(selectPairs({ queries: [{ name: 'ok', sqlite: 'SELECT 1;', postgres: 'WITH x AS (SELECT 1) SELECT * FROM x' }] }).queries[0]?.sqlite).toBe('SELECT 1');
  });
});

const timing = (medianMs: number | null, runs = 5): MigrationTimings => ({ runs, medianMs, minMs: medianMs, maxMs: medianMs, rows: 1 });
const query = (name: string, s: number | null, p: number | null, extra: Partial<MigrationQuery> = {}): MigrationQuery => ({
  name,
  sqlite: timing(s, s === null ? 0 : 5),
  postgres: timing(p, p === null ? 0 : 5),
  ratio: s && p !== null ? p / s : null,
  ...extra,
});

describe('migration findings', () => {
  const result: MigrationResult = {
    tables: [
      { table: 'public.a', sqliteTable: 'a', sqliteRows: 1000, postgresRows: 1000, mismatchPct: 0, countedBy: 'validation' },
      { table: 'public.b', sqliteTable: 'b', sqliteRows: 1000, postgresRows: 990, mismatchPct: 1, countedBy: 'validation' },
      { table: 'public.c', sqliteTable: 'c', sqliteRows: 1000, postgresRows: 989, mismatchPct: 1.1, countedBy: 'count' },
    ],
    foreignKeys: [],
    required: [],
    queries: [query('same', 10, 15), query('slow', 10, 15.01), query('none', null, 3), query('zero', 0, 0.2), query('quick', 0.01, 1.02)],
    search: [
      { name: 'half', k: 2, overlap: 0.5, shared: 2, union: 4, topKAgreement: 0.5, rankAgreement: 0, sqliteCount: 3, postgresCount: 3, sqliteTopK: ['1', '2'], postgresTopK: ['2', '3'] },
      { name: 'low', k: 2, overlap: 0.4, shared: 2, union: 5, topKAgreement: 0, rankAgreement: 0, sqliteCount: 3, postgresCount: 4, sqliteTopK: ['1', '2'], postgresTopK: ['3', '4'] },
    ],
    durationMs: 1,
  };

  it('at the boundaries: ≤ threshold warns, above fails, equal says nothing; 0 runs fails; overlap 0.5 is info', () => {
    const findings = migrationFindings(result, migrationSpecSchema.parse({}));
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['migration/public.b/row-count', 'warn'],
      ['migration/public.c/row-count', 'fail'],
      ['migration/query/same/latency', 'info'],
      ['migration/query/slow/latency', 'fail'],
      ['migration/query/none/latency', 'fail'],
      // Too quick for a percentage: the limit is +1 ms.
      ['migration/query/zero/latency', 'info'],
      ['migration/query/quick/latency', 'fail'],
      ['migration/search/half', 'info'],
      ['migration/search/low', 'warn'],
    ]);
    const by = (id: string) => findings.find((f) => f.id === id);
    expect(by('migration/public.b/row-count')).toMatchObject({ checkId: 'migration', message: 'public.b: 1,000 rows on SQLite, 990 on PostgreSQL: 1% mismatch (up to 1%: investigate)', details: { mismatchPct: 1, failAbovePct: 1 } });
    expect(by('migration/query/slow/latency')?.details).toMatchObject({ postgresMedianMs: 15.01, sqliteMedianMs: 10, limitMs: 15, failAbovePct: 50 });
    expect(by('migration/query/quick/latency')?.details).toMatchObject({ limitMs: 1.01, minDifferenceMs: 1 });
    expect(by('migration/query/none/latency')?.message).toBe('query none: latency not measured (0 runs on SQLite, 5 on PostgreSQL)');
    expect(by('migration/search/low')?.message).toContain('(overlap below 0.5: the results mostly differ)');
    expect(by('migration/search/low')?.details).toMatchObject({ overlap: 0.4, warnBelow: 0.5 });
  });

  it('corruption fails at once: a file quick_check does not pass, checksum failures on the target', () => {
    const corrupt = migrationFindings({ ...result, tables: [], queries: [], search: [], integrity: { sqlite: { ok: false, problems: ['*** in database main ***', 'Page 5: btreeInitPage() returns error code 11'] }, postgres: { checksums: true, checksumFailures: 2 } } }, {});
    expect(corrupt.map((f) => [f.id, f.severity, f.message])).toEqual([
      ['migration/integrity/sqlite', 'fail', 'the SQLite file is corrupt (PRAGMA quick_check: *** in database main ***, and 1 more): roll back at once'],
      ['migration/integrity/postgres', 'fail', 'the target database has 2 data-checksum failures (pg_stat_database): roll back at once'],
    ]);
    const clean = migrationFindings({ ...result, tables: [], queries: [], search: [], integrity: { sqlite: { ok: true, problems: [] }, postgres: { checksums: true, checksumFailures: 0 } } }, {});
    expect(clean).toEqual([]);
  });

  it('the thresholds come from the spec', () => {
    const findings = migrationFindings(result, migrationSpecSchema.parse({ rowCount: { failAbovePct: 0.5 }, latency: { failAbovePct: 100 } }));
    expect(findings.filter((f) => f.id.endsWith('row-count') || f.id.includes('/same/') || f.id.includes('/slow/')).map((f) => f.severity)).toEqual(['fail', 'fail', 'info', 'info']);
  });
});
