import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type ServerData, serverCheck, showSetting } from '../../checks/server-identity.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const ctx = { config, pre: { serverVersionNum: 150018 }, post: { serverVersionNum: 170010 } };

function server(overrides: Partial<ServerData> = {}): ServerData {
  return {
    version: '15.18',
    versionNum: 150018,
    major: 15,
    dataChecksums: false,
    sizes: { blockSize: 8192, walBlockSize: 8192, segmentSize: 1073741824, walSegmentSize: 16777216 },
    settings: [
      { name: 'work_mem', setting: '4096', unit: 'kB', source: 'configuration file' },
      { name: 'max_connections', setting: '200', unit: null, source: 'configuration file' },
    ],
    watched: [
      { name: 'hash_mem_multiplier', present: true, setting: '2', unit: null, source: 'default', bootVal: '2' },
      { name: 'io_method', present: false },
      { name: 'old_snapshot_threshold', present: true, setting: '-1', unit: 'min', source: 'default', bootVal: '-1' },
      { name: 'wal_keep_segments', present: true, setting: '64', unit: null, source: 'configuration file', bootVal: '0' },
    ],
    ...overrides,
  };
}

describe('server compare', () => {
  it('reports nothing when nothing changed', () => {
    expect(serverCheck.compare?.(server(), server(), ctx)).toEqual([]);
  });

  it('reports a minor and a major version change as info', () => {
    expect(keys(serverCheck.compare?.(server(), server({ version: '15.20', versionNum: 150020 }), ctx) ?? [])).toEqual({ 'version-minor': 'info' });
    expect(keys(serverCheck.compare?.(server(), server({ version: '17.10', versionNum: 170010, major: 17 }), ctx) ?? [])).toEqual({ 'version-major': 'info' });
  });

  it('warns on a data checksums change and fails on a block size change', () => {
    const post = server({ dataChecksums: true, sizes: { blockSize: 16384, walBlockSize: 8192, segmentSize: 1073741824, walSegmentSize: 67108864 } });
    expect(keys(serverCheck.compare?.(server(), post, ctx) ?? [])).toEqual({
      'data-checksums': 'warn',
      'size:block_size': 'fail',
      'size:wal_segment_size': 'info',
    });
  });

  it('warns when a watched setting changes value, even at its default', () => {
    const post = server({
      watched: [
        { name: 'hash_mem_multiplier', present: true, setting: '1', unit: null, source: 'configuration file', bootVal: '2' },
        { name: 'io_method', present: true, setting: 'worker', unit: null, source: 'default', bootVal: 'worker' },
        { name: 'old_snapshot_threshold', present: false },
        { name: 'wal_keep_segments', present: false },
      ],
    });
    const findings = serverCheck.compare?.(server(), post, ctx) ?? [];
    expect(keys(findings)).toEqual({
      'watched:hash_mem_multiplier': 'warn',
      'watched:io_method': 'info', // new in this major
      'watched:old_snapshot_threshold': 'info', // gone, but it was never set
      'watched:wal_keep_segments': 'warn', // gone, and it was set explicitly
    });
    expect(findings.find((f) => f.key === 'watched:hash_mem_multiplier')?.message).toContain('2 (default) -> 1 (configuration file)');
  });

  it('reports other non-default settings added, removed and changed as info', () => {
    const post = server({
      settings: [
        { name: 'work_mem', setting: '65536', unit: 'kB', source: 'configuration file' },
        { name: 'shared_buffers', setting: '16384', unit: '8kB', source: 'configuration file' },
      ],
    });
    const findings = serverCheck.compare?.(server(), post, ctx) ?? [];
    expect(keys(findings)).toEqual({
      'setting-changed:work_mem': 'info',
      'setting-removed:max_connections': 'info',
      'setting-added:shared_buffers': 'info',
    });
    expect(findings.find((f) => f.key === 'setting-changed:work_mem')?.message).toContain('4096kB -> 65536kB');
  });

  it('does not compare masked values', () => {
    const secret = (v: string) => server({ settings: [{ name: 'primary_conninfo', setting: v, unit: null, source: 'configuration file', masked: true }] });
    expect(serverCheck.compare?.(secret('password=********'), secret('password=******** host=x'), ctx)).toEqual([]);
  });
});

describe('server evaluate', () => {
  it('warns about settings waiting for a restart', () => {
    const data = server({ settings: [{ name: 'shared_buffers', setting: '16384', unit: '8kB', source: 'configuration file', pendingRestart: true }] });
    const findings = serverCheck.evaluate?.(data, { config, serverVersionNum: 150018, suite: 'pre' }) ?? [];
    expect(keys(findings)).toEqual({ 'pending-restart:shared_buffers': 'warn' });
  });
});

describe('showSetting', () => {
  it('writes units as people read them', () => {
    expect(showSetting({ setting: '4096', unit: 'kB' })).toBe('4096kB');
    expect(showSetting({ setting: '16384', unit: '8kB' })).toBe('16384 x 8kB');
    expect(showSetting({ setting: '', unit: null })).toBe("''");
  });
});
