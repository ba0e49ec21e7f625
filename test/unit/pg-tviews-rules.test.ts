import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type PgTviewsData, parseLibraries, pgTviewsCheck } from '../../checks/pg-tviews.js';
import type { PgTviewsDatabase, TviewRegistration } from '../../checks/pg-tviews-collect.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const ctx = { config, pre: { serverVersionNum: 150018 }, post: { serverVersionNum: 170010 } };
const evalCtx = { config, serverVersionNum: 170010, suite: 'post' as const };

function reg(entity: string, overrides: Partial<TviewRegistration> = {}): TviewRegistration {
  return { entity, schema: 'public', name: `tv_${entity}`, needsReregister: false, tableMissing: false, viewMissing: false, ...overrides };
}

function database(overrides: Partial<PgTviewsDatabase> = {}): PgTviewsDatabase {
  return {
    database: 'app',
    generation: 2,
    schema: 'tviews',
    extensionVersion: '0.1.0-beta.28',
    libraryVersion: '0.1.0-beta.28',
    catalogRevision: 6,
    contractVersion: 2,
    registrations: [reg('post')],
    unhealthy: [],
    healthRows: 6,
    problems: [],
    ...overrides,
  };
}

function data(databases: PgTviewsDatabase[], overrides: Partial<PgTviewsData> = {}): PgTviewsData {
  return { preloadLibraries: ['pg_tviews'], preloaded: true, databases, inspected: databases.map((d) => d.database), uninspected: [], ...overrides };
}

describe('pg_tviews evaluate', () => {
  it('is quiet on a healthy, preloaded generation 2 install', () => {
    expect(pgTviewsCheck.evaluate?.(data([database()]), evalCtx)).toEqual([]);
  });

  it('reports unhealthy rows, TVIEWs to re-register or rebuild, and a failed health check', () => {
    const d = database({
      registrations: [reg('post'), reg('author', { needsReregister: true }), reg('tag', { viewMissing: true }), reg('gone', { schema: null, tableMissing: true })],
      unhealthy: [
        { status: 'WARNING', component: 'reregister', message: '1 TVIEW registered by an older release', severity: 'warning' },
        { status: 'ERROR', component: 'metadata', message: '1 orphaned metadata entries found', severity: 'error' },
      ],
    });
    const broken = database({ database: 'other', problems: [{ what: 'health-check', message: 'cannot execute INSERT in a read-only transaction' }] });
    const findings = pgTviewsCheck.evaluate?.(data([d, broken]), evalCtx);
    expect(keys(findings)).toEqual({
      'health:app:reregister': 'warn',
      'health:app:metadata': 'fail',
      'needs-reregister:app:author': 'warn',
      'needs-rebuild:app:tag': 'fail',
      'needs-rebuild:app:gone': 'fail',
      'health-check-failed:other': 'warn',
    });
    expect(findings?.find((f) => f.key === 'needs-reregister:app:author')?.message).toContain('tviews.pg_tviews_reregister_all()');
  });

  it('fails when a generation 2 install with TVIEWs is not preloaded, warns otherwise, and notes when it cannot tell', () => {
    const notPreloaded = { preloadLibraries: ['pg_stat_statements'], preloaded: false };
    expect(keys(pgTviewsCheck.evaluate?.(data([database()], notPreloaded), evalCtx))).toEqual({ 'not-preloaded': 'fail' });
    expect(keys(pgTviewsCheck.evaluate?.(data([database({ registrations: [] })], notPreloaded), evalCtx))).toEqual({ 'not-preloaded': 'warn' });
    expect(keys(pgTviewsCheck.evaluate?.(data([database()], { preloadLibraries: null, preloaded: null }), evalCtx))).toEqual({ 'preload-unknown': 'info' });
  });

  it('notes a generation 1 install and objects without an extension', () => {
    const g1 = database({ generation: 1, schema: 'public', extensionVersion: null, catalogRevision: null, contractVersion: null });
    expect(keys(pgTviewsCheck.evaluate?.(data([g1]), evalCtx))).toEqual({ 'generation-1:app': 'info', 'no-extension:app': 'warn' });
  });
});

describe('pg_tviews evaluate: the real extension (0.1.0-beta.20, beta.34)', () => {
  it('fails on a missing library, naming the extension and every TVIEW, without repeating its errors as other findings', () => {
    const message = 'could not access file "$libdir/pg_tviews": No such file or directory (SQLSTATE 58P01)';
    const d = database({
      registrations: [reg('post'), reg('event')],
      libraryVersion: null,
      libraryMissing: true,
      problems: [
        { what: 'version', message },
        { what: 'health-check', message },
      ],
    });
    const findings = pgTviewsCheck.evaluate?.(data([d]), evalCtx) ?? [];
    expect(keys(findings)).toEqual({ 'library-missing:app': 'fail' });
    expect(findings[0]?.message).toMatch(/pg_tviews library missing: extension pg_tviews 0\.1\.0-beta\.28 in database app .*TVIEWs affected .*: public\.tv_post, public\.tv_event/);
  });

  it('warns when the library is another release than the extension, notes jsonb_delta, fails stale TVIEWs and failed refreshes', () => {
    const d = database({
      libraryVersion: '0.1.0-beta.34',
      extensionVersion: '0.1.0-beta.20',
      known: [{ status: 'WARNING', component: 'jsonb_delta', message: 'jsonb_delta not installed', severity: 'warning' }],
      registrations: [
        reg('post', { rows: 10, sourceRows: 10, refresh: { ok: true, ms: 3 } }),
        reg('event', { rows: 4, sourceRows: 9 }),
        reg('tag', { rows: 2, sourceRows: 2, refresh: { ok: false, ms: 1, error: "TVIEW metadata not found for entity 'tag'" } }),
        reg('author', { rowsError: 'permission denied for table tv_author' }),
      ],
    });
    const findings = pgTviewsCheck.evaluate?.(data([d]), evalCtx) ?? [];
    expect(keys(findings)).toEqual({
      'version-mismatch:app': 'warn',
      'jsonb-delta:app': 'info',
      'stale:app:event': 'fail',
      'refresh-failed:app:tag': 'fail',
      'unreadable-rows:app:author': 'warn',
    });
    expect(findings.find((f) => f.key === 'version-mismatch:app')?.message).toContain('ALTER EXTENSION pg_tviews UPDATE');
    expect(findings.find((f) => f.key === 'stale:app:event')?.message).toMatch(/holds 4 row\(s\) where its query .* gives 9/);
  });
});

describe('pg_tviews compare', () => {
  it('notes a release change of the library or the extension', () => {
    const pre = data([database({ libraryVersion: '0.1.0-beta.20', extensionVersion: '0.1.0-beta.20' })]);
    const post = data([database({ libraryVersion: '0.1.0-beta.34', extensionVersion: '0.1.0-beta.20' })]);
    const findings = pgTviewsCheck.compare?.(pre, post, ctx) ?? [];
    expect(keys(findings)).toEqual({ 'version:app': 'info' });
    expect(findings[0]?.message).toBe('pg_tviews in database app: library 0.1.0-beta.20 -> 0.1.0-beta.34, extension 0.1.0-beta.20 -> 0.1.0-beta.20');
  });

  it("fails a TVIEW whose rows moved otherwise than its query's, not one that followed the soak's writes", () => {
    const pre = data([database({ registrations: [reg('event', { rows: 100, sourceRows: 100 }), reg('post', { rows: 10, sourceRows: 10 })] })]);
    const post = data([database({ registrations: [reg('event', { rows: 180, sourceRows: 180 }), reg('post', { rows: 7, sourceRows: 10 })] })]);
    const findings = pgTviewsCheck.compare?.(pre, post, ctx) ?? [];
    expect(keys(findings)).toEqual({ 'rows-changed:app:post': 'fail' });
    expect(findings[0]?.message).toMatch(/went from 10 to 7 row\(s\) \(-3\) while its query's rows changed by \+0/);
  });

  it('fails on registrations missing after, and on pg_tviews gone from a database', () => {
    const pre = data([database({ registrations: [reg('post'), reg('author')] }), database({ database: 'other' })]);
    const post = data([database({ generation: 2, registrations: [reg('post')] })], { inspected: ['app', 'other'] });
    expect(keys(pgTviewsCheck.compare?.(pre, post, ctx))).toEqual({ 'registration-missing:app:author': 'fail', 'missing:other': 'fail' });
  });

  it('notes a migration to generation 2 and ignores databases not opened after or unreadable registries', () => {
    const pre = data([database({ generation: 1 }), database({ database: 'other' })]);
    const post = data([database({ registrations: [], problems: [{ what: 'registrations', message: 'permission denied' }] })], { inspected: ['app'] });
    expect(keys(pgTviewsCheck.compare?.(pre, post, ctx))).toEqual({ 'generation:app': 'info' });
  });
});

describe('parseLibraries', () => {
  it('reads shared_preload_libraries as a list of library names', () => {
    expect(parseLibraries('pg_stat_statements, "$libdir/pg_tviews.so",auto_explain')).toEqual(['pg_stat_statements', 'pg_tviews', 'auto_explain']);
    expect(parseLibraries('$libdir/pg_tviews, pg_stat_statements')).toEqual(['pg_tviews', 'pg_stat_statements']);
    expect(parseLibraries('')).toEqual([]);
  });
});
