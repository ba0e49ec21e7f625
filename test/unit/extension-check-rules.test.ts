import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type ExtensionInfo, type ExtensionsData, extensionsCheck } from '../../checks/extensions.js';
import { type PgvectorData, type VectorIndex, pgvectorCheck } from '../../checks/pgvector.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const ctx = { config, pre: { serverVersionNum: 150018 }, post: { serverVersionNum: 170010 } };
const evalCtx = { config, serverVersionNum: 170010, suite: 'post' as const };

function ext(database: string, name: string, version: string, defaultVersion = version): ExtensionInfo {
  return { database, name, version, defaultVersion, updatePending: version !== defaultVersion, schema: 'public', relocatable: true };
}

function extensions(list: ExtensionInfo[], inspected = ['app', 'other'], uninspected: ExtensionsData['uninspected'] = []): ExtensionsData {
  return { extensions: list, inspected, uninspected };
}

describe('extensions evaluate', () => {
  it('warns about a pending update and says which command applies it', () => {
    const findings = extensionsCheck.evaluate?.(extensions([ext('app', 'hstore', '1.4', '1.8'), ext('app', 'plpgsql', '1.0')]), evalCtx);
    expect(keys(findings)).toEqual({ 'update-pending:app:hstore': 'warn' });
    expect(findings?.[0]?.message).toContain('ALTER EXTENSION hstore UPDATE');
  });

  it('says when the installed version is newer than the files, and warns about uninspected databases', () => {
    const data = extensions([ext('app', 'vector', '0.8.0', '0.7.4')], ['app'], [{ database: 'locked', reason: 'permission denied' }]);
    const findings = extensionsCheck.evaluate?.(data, evalCtx);
    expect(keys(findings)).toEqual({ 'update-pending:app:vector': 'warn', 'uninspected:locked': 'warn' });
    expect(findings?.[0]?.message).toContain('newer than');
  });
});

describe('extensions compare', () => {
  it('fails on a dropped extension and a downgrade, and notes upgrades and additions', () => {
    const pre = extensions([ext('app', 'hstore', '1.4'), ext('app', 'vector', '0.8.0'), ext('other', 'citext', '1.6'), ext('app', 'pg_trgm', '1.6')]);
    const post = extensions([ext('app', 'hstore', '1.8'), ext('app', 'vector', '0.7.4'), ext('app', 'pg_trgm', '1.6'), ext('other', 'cube', '1.5')]);
    expect(keys(extensionsCheck.compare?.(pre, post, ctx))).toEqual({
      'upgraded:app:hstore': 'info',
      'downgraded:app:vector': 'fail',
      'missing:other:citext': 'fail',
      'added:other:cube': 'info',
    });
  });

  it('says nothing about extensions of a database not opened after', () => {
    const pre = extensions([ext('app', 'hstore', '1.4'), ext('other', 'citext', '1.6')]);
    const post = extensions([ext('app', 'hstore', '1.4')], ['app'], [{ database: 'other', reason: 'no connect' }]);
    expect(extensionsCheck.compare?.(pre, post, ctx)).toEqual([]);
  });
});

function index(name: string, overrides: Partial<VectorIndex> = {}): VectorIndex {
  return { schema: 'public', table: 'items', index: name, method: 'hnsw', opclasses: ['vector_l2_ops'], valid: true, ready: true, options: { m: '16' }, ...overrides };
}

function vector(indexes: VectorIndex[], inspected = ['app']): PgvectorData {
  return { databases: [{ database: 'app', version: '0.8.0', schema: 'public', indexes }], inspected, uninspected: [] };
}

describe('pgvector rules', () => {
  it('fails on an invalid vector index', () => {
    const findings = pgvectorCheck.evaluate?.(vector([index('good'), index('bad', { valid: false })]), evalCtx);
    expect(keys(findings)).toEqual({ 'invalid-index:app:public.bad': 'fail' });
  });

  it('fails on a missing or newly invalid index and warns on a changed operator class', () => {
    const pre = vector([index('a'), index('b'), index('c'), index('d', { valid: false })]);
    const post = vector([index('b', { opclasses: ['vector_cosine_ops'] }), index('c', { valid: false }), index('d', { valid: false })]);
    expect(keys(pgvectorCheck.compare?.(pre, post, ctx))).toEqual({
      'index-missing:app:public.a': 'fail',
      'opclass:app:public.b': 'warn',
      'became-invalid:app:public.c': 'fail',
    });
  });

  it('fails when pgvector is gone from a database still inspected, not from one that was not opened', () => {
    const pre = vector([index('a')]);
    const gone: PgvectorData = { databases: [{ database: 'elsewhere', version: '0.8.0', schema: 'public', indexes: [] }], inspected: ['app', 'elsewhere'], uninspected: [] };
    expect(keys(pgvectorCheck.compare?.(pre, gone, ctx))).toEqual({ 'index-missing:app:public.a': 'fail' });
    const unopened: PgvectorData = { ...gone, inspected: ['elsewhere'] };
    expect(pgvectorCheck.compare?.(pre, unopened, ctx)).toEqual([]);
  });
});
