import { describe, expect, it } from 'vitest';
import { compareDigests } from '../../validate/compare-digests.js';
import { digestBits, type StoredDigests, type TableDigests } from '../../validate/stored-digests.js';
import { dataAskedFor, dataSettings } from '../../scenarios/data/data-settings.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { parseStep } from '../../scenarios/actions/registry.js';
import { inPlaceStep } from '../../scenarios/data/run-digests.js';

const endpoint = { host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', sslmode: 'disable' as const };

function table(name: string, buckets: Record<string, [number, string]>, bits = 2, extra: Partial<TableDigests> = {}): TableDigests {
  const rows = Object.values(buckets).reduce((n, [c]) => n + c, 0);
  return { table: `app.${name}`, schema: 'app', name, key: ['id'], bits, rows, buckets, durationMs: 1, ...extra };
}

function digests(tables: TableDigests[], version = '15.10'): StoredDigests {
  return { kind: 'cutover.data-digests', takenAt: '2026-12-05T20:00:00.000Z', endpoint, version, rowsPerBucket: 10_000, tables, durationMs: 5 };
}

describe('compareDigests: digests stored before an in-place upgrade against the same buckets after it', () => {
  const before = digests([table('users', { '0': [10, '100'], '1': [12, '200'], '3': [9, '-5'] }), table('notes', { '0': [4, '7'] }, 0)]);

  it('refuses digests of another format, which hash rows differently', () => {
    expect(() => compareDigests({ ...before, format: 2 }, before)).toThrow('digests before the upgrade are of format 2, this cutover computes format 1: they hash rows differently and cannot be compared');
    expect(compareDigests({ ...before, format: 1 }, before).outcome).toBe('equal');
  });

  it('equal digests: every table equal, outcome equal, counts of rows on both sides', () => {
    const result = compareDigests(before, digests(before.tables, '17.6'));
    expect(result.outcome).toBe('equal');
    expect(result.tables.map((t) => [t.table, t.status])).toEqual([
      ['app.notes', 'equal'],
      ['app.users', 'equal'],
    ]);
    expect(result.summary).toMatchObject({ tables: 2, equal: 2, sourceRows: 35, targetRows: 35, changedRows: 0 });
    expect(result.target.version).toBe('17.6');
  });

  it('a row changed by hand: its bucket alone is named, one changed, localised to buckets and not to keys', () => {
    const after = digests([table('users', { '0': [10, '100'], '1': [12, '201'], '3': [9, '-5'] }), before.tables[1]!]);
    const result = compareDigests(before, after);
    expect(result.outcome).toBe('different');
    const users = result.tables.find((t) => t.table === 'app.users')!;
    expect(users).toMatchObject({ status: 'different', changed: 1, missing: 0, extra: 0, localised: false, buckets: { total: 4, differing: 1 } });
    expect(users.notes.filter((n) => n.startsWith('bucket '))).toEqual(['bucket 1 of 4: 12 rows before, 12 after, contents differ']);
    expect(result.tables.find((t) => t.table === 'app.notes')?.status).toBe('equal');
  });

  it('rows deleted and added: counted per bucket as missing and extra, a bucket emptied included', () => {
    const after = digests([table('users', { '0': [8, '90'], '1': [12, '200'], '2': [1, '3'] }), before.tables[1]!]);
    const users = compareDigests(before, after).tables.find((t) => t.table === 'app.users')!;
    expect(users).toMatchObject({ status: 'different', missing: 2 + 9, extra: 1, changed: 0, buckets: { total: 4, differing: 3 } });
  });

  it('a table gone, a table new, a table that could not be digested', () => {
    const after = digests([table('users', before.tables[0]!.buckets, 2, { reason: 'permission denied for table users' }), table('fresh', {}, 0)]);
    const result = compareDigests(before, after);
    expect(result.tables.map((t) => [t.table, t.status, t.reason])).toEqual([
      ['app.fresh', 'missing', 'only after the upgrade (no digests stored before it)'],
      ['app.notes', 'missing', 'missing after the upgrade'],
      ['app.users', 'error', 'after: permission denied for table users'],
    ]);
    expect(result.outcome).toBe('different');
  });

  it('digests of other buckets are refused, not compared', () => {
    const after = digests([table('users', { '0': [31, '295'] }, 0), before.tables[1]!]);
    const users = compareDigests(before, after).tables.find((t) => t.table === 'app.users')!;
    expect(users.status).toBe('error');
    expect(users.reason).toMatch(/not the same buckets/);
  });

  it('about 10,000 rows per bucket, at most 2^16 buckets', () => {
    expect(digestBits(0, 10_000)).toBe(0);
    expect(digestBits(10_000, 10_000)).toBe(0);
    expect(digestBits(10_001, 10_000)).toBe(1);
    expect(digestBits(1_000_000, 10_000)).toBe(7);
    expect(digestBits(1e12, 10_000)).toBe(16);
  });
});

describe('scenario field "data"', () => {
  const base = { name: 'x', blue: { provider: 'embedded', version: '15' }, steps: [{ action: 'wait', duration: 1 }] };

  it("defaults to the action's (on for blue/green, dump/restore, --copy), and true or false override it", () => {
    const none = scenarioSchema.parse(base);
    expect(dataSettings(none, true)).toMatchObject({ tables: [], exclude: [], when: 'switchover' });
    expect(dataSettings(none, false)).toBeUndefined();
    expect(dataAskedFor(none)).toBe(false);
    const off = scenarioSchema.parse({ ...base, data: false });
    expect(dataSettings(off, true)).toBeUndefined();
    const on = scenarioSchema.parse({ ...base, data: true });
    expect(dataSettings(on, false)).toBeDefined();
    expect(dataAskedFor(on)).toBe(true);
  });

  it('tables, exclude and when are passed on; enabled: false turns it off', () => {
    const s = scenarioSchema.parse({ ...base, data: { tables: ['app.*'], exclude: ['audit_?'], when: 'after-switchover' } });
    const d = dataSettings(s, true)!;
    expect(d.when).toBe('after-switchover');
    expect(d.tables.map((p) => [p.text, p.matches('app', 'users'), p.matches('other', 'users')])).toEqual([['app.*', true, false]]);
    expect(d.exclude[0]?.matches('x', 'audit_1')).toBe(true);
    expect(dataAskedFor(s)).toBe(false);
    expect(dataSettings(scenarioSchema.parse({ ...base, data: { enabled: false } }), true)).toBeUndefined();
  });

  it('groupBy and jobs are passed on as validate takes them', () => {
    const d = dataSettings(scenarioSchema.parse({ ...base, data: { groupBy: { 'public.readings': ['device', 'day'] }, jobs: 4 } }), true)!;
    expect(d.jobs).toBe(4);
    expect(d.groupBy.map((g) => [g.text, g.columns, g.pattern.matches('public', 'readings')])).toEqual([['public.readings=device,day', ['device', 'day'], true]]);
    expect(scenarioSchema.safeParse({ ...base, data: { jobs: 0 } }).success).toBe(false);
    expect(scenarioSchema.safeParse({ ...base, data: { groupBy: { readings: [] } } }).success).toBe(false);
  });

  it('a malformed pattern or an unknown field is refused before anything runs, naming it', () => {
    const bad = scenarioSchema.safeParse({ ...base, data: { tables: ['a.b.c'] } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('expected schema.table or table');
    expect(scenarioSchema.safeParse({ ...base, data: { when: 'later' } }).success).toBe(false);
    expect(scenarioSchema.safeParse({ ...base, data: { tabels: ['x'] } }).success).toBe(false);
  });
});

describe('inPlaceStep: digests are stored only for an in-place upgrade the scenario asked to validate', () => {
  const base = { name: 'x', blue: { provider: 'embedded', version: '16.4' } };
  const at = (input: Record<string, unknown>): number | undefined => {
    const s = scenarioSchema.parse({ ...base, ...input });
    return inPlaceStep(s, s.steps.map((step, i) => parseStep(step, i)));
  };
  const steps = [{ action: 'wait', duration: 1 }, { action: 'minor-restart', to: '16' }];

  it('the first minor-restart or pg-upgrade --link, with data asked for', () => {
    expect(at({ data: true, steps })).toBe(1);
    expect(at({ data: { enabled: true }, steps: [{ action: 'pg-upgrade', mode: 'link' }, ...steps] })).toBe(0);
  });

  it('none by default, none with data off, none for --copy (blue is compared itself)', () => {
    expect(at({ steps })).toBeUndefined();
    expect(at({ data: { tables: ['app.*'] }, steps })).toBeUndefined();
    expect(at({ data: true, steps: [{ action: 'pg-upgrade', mode: 'copy' }] })).toBeUndefined();
  });
});
