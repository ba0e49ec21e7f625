import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type DatabaseInfo, databasesCheck } from '../../checks/databases.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const ctx = { config, pre: { serverVersionNum: 150018 }, post: { serverVersionNum: 170010 } };

function db(name: string, overrides: Partial<DatabaseInfo> = {}): DatabaseInfo {
  return {
    name,
    sizeBytes: 100_000_000,
    encoding: 'UTF8',
    collate: 'en_US.UTF-8',
    ctype: 'en_US.UTF-8',
    localeProvider: 'libc',
    locale: null,
    collationVersion: '2.36',
    actualCollationVersion: '2.36',
    allowConnections: true,
    connectionLimit: -1,
    isTemplate: false,
    ...overrides,
  };
}

describe('databases compare', () => {
  it('is quiet when nothing changed, and a 14 -> 15 provider column appearing is no change', () => {
    const pre = { databases: [db('app', { localeProvider: null, collationVersion: null, actualCollationVersion: null })] };
    expect(databasesCheck.compare?.(pre, { databases: [db('app')] }, ctx)).toEqual([]);
  });

  it('fails on a missing database, an encoding change and a collation change', () => {
    const pre = { databases: [db('app'), db('gone'), db('icu')] };
    const post = {
      databases: [
        db('app', { encoding: 'LATIN1' }),
        db('icu', { localeProvider: 'icu', locale: 'und-x-icu' }),
        db('new'),
      ],
    };
    expect(keys(databasesCheck.compare?.(pre, post, ctx))).toEqual({
      'encoding:app': 'fail',
      'missing:gone': 'fail',
      'collation:icu': 'fail',
      'added:new': 'info',
    });
  });

  it('warns on a datallowconn flip and on a size shrink past half', () => {
    const pre = { databases: [db('app'), db('small')] };
    const post = { databases: [db('app', { allowConnections: false, sizeBytes: 40_000_000 }), db('small', { sizeBytes: 60_000_000 })] };
    const findings = databasesCheck.compare?.(pre, post, ctx);
    expect(keys(findings)).toEqual({ 'allow-connections:app': 'warn', 'size-shrink:app': 'warn' });
    expect(findings?.find((f) => f.key === 'size-shrink:app')?.message).toContain('60%');
  });
});

describe('databases evaluate', () => {
  it('warns when the recorded collation version differs from the system one', () => {
    const data = { databases: [db('app', { collationVersion: '2.31' }), db('ok'), db('c', { collationVersion: null, actualCollationVersion: null })] };
    const findings = databasesCheck.evaluate?.(data, { config, serverVersionNum: 170010, suite: 'post' });
    expect(keys(findings)).toEqual({ 'collation-version:app': 'warn' });
    expect(findings?.[0]?.message).toContain('REFRESH COLLATION VERSION');
  });
});
