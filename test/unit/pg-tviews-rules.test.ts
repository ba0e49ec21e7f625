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

describe('pg_tviews compare', () => {
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
