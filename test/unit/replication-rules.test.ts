import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { type ReplicationData, replicationCheck } from '../../checks/replication-check.js';
import type { ReplicationSlot } from '../../checks/replication-slots.js';
import type { Subscription } from '../../checks/replication-logical.js';
import { formatBytes } from '../../checks/replication-rules.js';
import { keys } from '../support/finding-keys.js';

const MiB = 1024 * 1024;
const config = resolveConfig({ checks: { replicationLagWarnBytes: 16 * MiB } });
const evaluateCtx = { config, serverVersionNum: 170011, suite: 'pre' as const };

function slot(name: string, extra: Partial<ReplicationSlot> = {}): ReplicationSlot {
  return { name, type: 'logical', plugin: 'pgoutput', database: 'app', temporary: false, active: true, walStatus: 'reserved', retainedBytes: 0, ...extra };
}

function subscription(name: string, tables: Record<string, string>): Subscription {
  return { name, enabled: true, slotName: name, publications: ['pub'], tables, worker: null };
}

function replication(parts: Partial<ReplicationData> = {}): ReplicationData {
  return {
    settings: { walLevel: 'logical', maxWalSenders: 10, maxReplicationSlots: 10 },
    inRecovery: false,
    senders: [],
    slots: [],
    standby: null,
    databases: { app: { publications: [], subscriptions: [] } },
    uninspected: [],
    ...parts,
  };
}

describe('replication evaluate', () => {
  it('fails on lost and invalidated slots and warns on an inactive slot retaining WAL', () => {
    const data = replication({
      slots: [
        slot('lost', { walStatus: 'lost', active: false, retainedBytes: null }),
        slot('invalid', { walStatus: 'unreserved', invalidationReason: 'rows_removed' }),
        slot('idle', { active: false, retainedBytes: 20 * MiB }),
        slot('idle_small', { active: false, retainedBytes: MiB }),
        slot('busy', { active: true, retainedBytes: 100 * MiB }),
      ],
    });
    const findings = replicationCheck.evaluate?.(data, evaluateCtx);
    expect(keys(findings)).toEqual({ 'slot-lost:lost': 'fail', 'slot-invalidated:invalid': 'fail', 'slot-inactive-retaining:idle': 'warn' });
    expect(findings?.find((f) => f.key === 'slot-inactive-retaining:idle')?.message).toContain('20.0 MiB');
  });

  it('warns on sender lag, standby lag and paused replay above the threshold', () => {
    const sender = { applicationName: 'standby1', clientAddr: '10.0.0.2/32', state: 'streaming', syncState: 'async', writeLagMs: 1, flushLagMs: 1, replayLagMs: 900 };
    const data = replication({
      senders: [{ ...sender, lagBytes: 17 * MiB }, { ...sender, applicationName: 'standby2', lagBytes: 100 }],
      inRecovery: true,
      standby: {
        receiveLsn: '0/5000000',
        replayLsn: '0/3000000',
        replayBehindBytes: 32 * MiB,
        replayLagMs: 4000,
        lastReplayAt: '2026-01-01T00:00:00.000Z',
        replayPause: 'paused',
        receiverStatus: 'streaming',
        receiverSlot: 'standby_slot',
      },
    });
    expect(keys(replicationCheck.evaluate?.(data, evaluateCtx))).toEqual({
      'sender-lag:standby1': 'warn',
      'standby-replay-lag': 'warn',
      'standby-replay-paused': 'warn',
    });
  });

  it('warns on a subscription whose tables are not all ready, naming the states', () => {
    const data = replication({
      databases: {
        app: {
          publications: [],
          subscriptions: [subscription('ready_sub', { 'shop.a': 'r' }), subscription('app_sub', { 'shop.a': 'r', 'shop.b': 'd', 'shop.c': 'i' })],
        },
      },
      uninspected: [{ database: 'locked', reason: 'permission denied for database locked' }],
    });
    const findings = replicationCheck.evaluate?.(data, evaluateCtx);
    expect(keys(findings)).toEqual({ 'subscription-not-ready:app:app_sub': 'warn', 'uninspected:locked': 'warn' });
    const sub = findings?.find((f) => f.key.startsWith('subscription'));
    expect(sub?.message).toContain('2 of 3 tables not ready');
    expect(sub?.message).toContain('shop.b (copying data)');
    expect(sub?.details).toEqual({ tables: { 'shop.b': 'd', 'shop.c': 'i' } });
  });
});

describe('replication compare', () => {
  const ctx = (pre: number) => ({ config, pre: { serverVersionNum: pre }, post: { serverVersionNum: 170011 } });

  it('fails on a missing slot and says pg_upgrade does not carry logical slots before 17', () => {
    const pre = replication({
      slots: [slot('app_sub'), slot('standby_slot', { type: 'physical', plugin: null }), slot('tmp', { temporary: true }), slot('pg_16471_sync_16428_7710838773680565491')],
    });
    const post = replication();
    const findings = replicationCheck.compare?.(pre, post, ctx(150020));
    expect(keys(findings)).toEqual({ 'slot-missing:app_sub': 'fail', 'slot-missing:standby_slot': 'fail' });
    expect(findings?.[0]?.message).toContain('only from a 17 or newer cluster');
    expect(findings?.[1]?.message).toContain('never carries physical slots');
    expect(replicationCheck.compare?.(pre, post, ctx(170011))?.[0]?.message).toContain('consumed all WAL');
  });

  it('fails on a missing publication or subscription, not on one still there', () => {
    const pub = { name: 'app_pub', allTables: false, operations: ['insert'], tableCount: 1, tables: ['shop.a'] };
    const pre = replication({
      databases: { app: { publications: [pub, { ...pub, name: 'kept' }], subscriptions: [subscription('app_sub', {})] }, gone: { publications: [pub], subscriptions: [] } },
    });
    const post = replication({ databases: { app: { publications: [{ ...pub, name: 'kept' }], subscriptions: [] } } });
    expect(keys(replicationCheck.compare?.(pre, post, ctx(150020)))).toEqual({
      'publication-missing:app:app_pub': 'fail',
      'subscription-missing:app:app_sub': 'fail',
    });
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(16 * MiB)).toBe('16.0 MiB');
    expect(formatBytes(1.5 * 1024 * MiB)).toBe('1.5 GiB');
  });
});
