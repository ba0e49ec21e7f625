import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { forcesReadOnly, targetMismatch, targetPasses } from '../../core/session-target.js';

/** A client that answers libpq's two questions the way a server older than 14 would. */
function oldServer(answers: { readOnly: boolean; inRecovery: boolean }): { client: pg.Client; asked: string[] } {
  const asked: string[] = [];
  const client = {
    query: async (sql: string) => {
      asked.push(sql);
      if (/transaction_read_only/.test(sql)) return { rows: [{ transaction_read_only: answers.readOnly ? 'on' : 'off' }] };
      return { rows: [{ r: answers.inRecovery }] };
    },
  } as unknown as pg.Client;
  return { client, asked };
}

const reported = (hotStandby: string, readOnly: string) =>
  new Map([
    ['in_hot_standby', hotStandby],
    ['default_transaction_read_only', readOnly],
  ]);

describe('libpq`s check of a session against target_session_attrs', () => {
  it('uses what a PostgreSQL 14+ server reported at startup, without a query', async () => {
    const { client, asked } = oldServer({ readOnly: false, inRecovery: false });
    expect(await targetMismatch(client, reported('off', 'off'), 'read-write')).toBeUndefined();
    expect(await targetMismatch(client, reported('off', 'on'), 'read-write')).toBe('session is read-only (default_transaction_read_only is on)');
    expect(await targetMismatch(client, reported('on', 'off'), 'read-write')).toBe('session is read-only (server is in recovery)');
    expect(await targetMismatch(client, reported('off', 'off'), 'read-only')).toBe('session is not read-only');
    expect(await targetMismatch(client, reported('off', 'on'), 'primary')).toBeUndefined();
    expect(await targetMismatch(client, reported('on', 'on'), 'primary')).toBe('server is in recovery');
    expect(await targetMismatch(client, reported('off', 'off'), 'standby')).toBe('server is not in recovery');
    expect(asked).toEqual([]);
  });

  it('asks an older server: SHOW transaction_read_only, SELECT pg_is_in_recovery()', async () => {
    const standby = oldServer({ readOnly: true, inRecovery: true });
    expect(await targetMismatch(standby.client, new Map(), 'read-write')).toBe('session is read-only (transaction_read_only is on)');
    expect(await targetMismatch(standby.client, new Map(), 'standby')).toBeUndefined();
    expect(standby.asked).toEqual(['SHOW transaction_read_only', 'SELECT pg_catalog.pg_is_in_recovery() AS r']);
    expect(await targetMismatch(oldServer({ readOnly: false, inRecovery: false }).client, new Map(), 'any')).toBeUndefined();
  });

  it('prefer-standby is a standby pass, then an any pass', () => {
    expect(targetPasses('prefer-standby')).toEqual(['standby', 'any']);
    expect(targetPasses('read-write')).toEqual(['read-write']);
  });

  it('knows a check session`s own read-only startup option', () => {
    expect(forcesReadOnly('-c default_transaction_read_only=on')).toBe(true);
    expect(forcesReadOnly('-c search_path=x')).toBe(false);
    expect(forcesReadOnly(undefined)).toBe(false);
  });
});
