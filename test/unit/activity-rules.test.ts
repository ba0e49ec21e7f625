import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { activityCheck } from '../../checks/activity.js';
import type { ActivityData, SessionInfo } from '../../checks/activity-collect.js';
import { formatMs } from '../../checks/activity-rules.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({ checks: { longRunningSeconds: 60 } });
const ctx = { config, serverVersionNum: 150020, suite: 'pre' as const };

function session(pid: number, extra: Partial<SessionInfo>): SessionInfo {
  return {
    pid,
    database: 'app',
    user: 'web',
    applicationName: 'api',
    state: 'active',
    queryMs: 0,
    transactionMs: 0,
    stateMs: 0,
    waitEvent: null,
    query: 'SELECT 1',
    ...extra,
  };
}

function activity(parts: Partial<ActivityData>): ActivityData {
  return { maxConnections: 100, connectionsByState: {}, longRunning: [], idleInTransaction: [], preparedTransactions: [], waitingLocks: [], ...parts };
}

describe('activity evaluate', () => {
  it('fails on every prepared transaction, keyed by its gid', () => {
    const findings = activityCheck.evaluate?.(
      activity({ preparedTransactions: [{ gid: 'tx-1', database: 'app', owner: 'web', preparedAt: '2026-01-01T00:00:00.000Z', ageMs: 5000 }] }),
      ctx,
    );
    expect(keys(findings)).toEqual({ 'prepared-transaction:app:tx-1': 'fail' });
    expect(findings?.[0]?.message).toContain('blocks pg_upgrade');
  });

  it('warns on idle-in-transaction and long-running sessions above the threshold, grouped without pids', () => {
    const findings = activityCheck.evaluate?.(
      activity({
        idleInTransaction: [
          session(1, { state: 'idle in transaction', stateMs: 61_000 }),
          session(2, { state: 'idle in transaction', stateMs: 120_000 }),
          session(3, { state: 'idle in transaction', stateMs: 59_000, applicationName: 'batch' }),
        ],
        longRunning: [session(4, { queryMs: 3_600_000, user: 'etl', applicationName: '' })],
      }),
      ctx,
    );
    expect(keys(findings)).toEqual({ 'idle-in-transaction:app:web:api': 'warn', 'long-running:app:etl:': 'warn' });
    const idle = findings?.find((f) => f.key.startsWith('idle'));
    expect(idle?.message).toContain('2 sessions of web (api)');
    expect(idle?.message).toContain('up to 2 min');
    expect(findings?.find((f) => f.key.startsWith('long'))?.message).toContain('60 min');
  });

  it('notes waiting locks per database, naming a prepared transaction as the blocker', () => {
    const lock = { pid: 9, database: 'app', user: 'web', applicationName: 'api', lockType: 'relation', mode: 'ExclusiveLock', relation: 'shop.t', blockedBy: [0], waitingMs: 10 };
    const findings = activityCheck.evaluate?.(activity({ waitingLocks: [lock, { ...lock, pid: 10, blockedBy: [9] }] }), ctx);
    expect(keys(findings)).toEqual({ 'waiting-locks:app': 'info' });
    expect(findings?.[0]?.message).toContain('2 sessions waiting');
    expect(findings?.[0]?.message).toContain('blocked by a prepared transaction, pid 9');
  });

  it('says nothing about a quiet server', () => {
    expect(activityCheck.evaluate?.(activity({ connectionsByState: { idle: 3 } }), ctx)).toEqual([]);
  });
});

describe('formatMs', () => {
  it('picks a readable unit', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(42_000)).toBe('42 s');
    expect(formatMs(720_000)).toBe('12 min');
    expect(formatMs(12_600_000)).toBe('3.5 h');
  });
});
