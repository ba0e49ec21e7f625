import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { CutoverError } from '../../core/errors.js';
import type { Row, Session } from '../../core/session.js';
import { type RowCountsData, type TableRows, rowCountsCheck } from '../../checks/row-counts.js';
import { exactCounts } from '../../checks/exact-counts.js';
import { keys } from '../support/finding-keys.js';

function rows(tables: Record<string, Partial<TableRows>>): RowCountsData {
  const full = Object.fromEntries(Object.entries(tables).map(([n, t]) => [n, { estimate: null, liveTuples: null, ...t }]));
  return { databases: { app: { tables: full, countSessions: 1 } }, uninspected: [] };
}

function ctx(rowCountDropFail?: number) {
  const config = resolveConfig(rowCountDropFail === undefined ? {} : { checks: { rowCountDropFail } });
  return { config, pre: { serverVersionNum: 160004 }, post: { serverVersionNum: 160014 } };
}

describe('row counts compare', () => {
  it('fails on any drop by default and notes growth', () => {
    const pre = rows({ 'shop.orders': { exact: 1000 }, 'shop.customers': { exact: 10 }, 'shop.same': { exact: 5 } });
    const post = rows({ 'shop.orders': { exact: 999 }, 'shop.customers': { exact: 12 }, 'shop.same': { exact: 5 } });
    const findings = rowCountsCheck.compare?.(pre, post, ctx());
    expect(keys(findings)).toEqual({ 'rows-dropped:app:shop.orders': 'fail', 'rows-grew:app:shop.customers': 'info' });
    expect(findings?.[0]?.message).toContain('lost 1 of 1000 rows');
    expect(findings?.[0]?.details).toMatchObject({ pre: 1000, post: 999, change: -1 });
  });

  it('warns below checks.rowCountDropFail and fails from it on', () => {
    const pre = rows({ small: { exact: 100 }, exact: { exact: 100 }, big: { exact: 100 } });
    const post = rows({ small: { exact: 95 }, exact: { exact: 90 }, big: { exact: 50 } });
    expect(keys(rowCountsCheck.compare?.(pre, post, ctx(0.1)))).toEqual({
      'rows-dropped:app:small': 'warn',
      'rows-dropped:app:exact': 'fail',
      'rows-dropped:app:big': 'fail',
    });
  });

  it('compares exact counts only: estimates, skipped and missing tables give nothing', () => {
    const pre = rows({ est: { estimate: 1000 }, skipped: { skipped: 'no SELECT privilege' }, gone: { exact: 10 }, later: { exact: 10 } });
    const post = rows({ est: { estimate: 10 }, skipped: { exact: 0 }, later: { skipped: 'count(*) failed: canceling statement due to statement timeout (SQLSTATE 57014)' } });
    expect(rowCountsCheck.compare?.(pre, post, ctx())).toEqual([]);
  });

  it('treats an emptied table as a full drop', () => {
    const findings = rowCountsCheck.compare?.(rows({ t: { exact: 3 } }), rows({ t: { exact: 0 } }), ctx(1));
    expect(keys(findings)).toEqual({ 'rows-dropped:app:t': 'fail' });
    expect(findings?.[0]?.details).toMatchObject({ fraction: 1 });
  });
});

/** A session whose counts take `delayMs`, tracking how many run at once; some tables fail. */
function fakeSessions(delayMs: number, failing: Record<string, Error> = {}) {
  const state = { inFlight: 0, maxInFlight: 0, opened: 0, closed: 0 };
  const make = (): Session => {
    const session: Session = {
      endpoint: { host: 'x', port: 1, database: 'app', user: 'u', sslmode: 'disable' },
      serverVersionNum: 170000,
      async query<R extends Row>(sql: string): Promise<R[]> {
        state.inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        await new Promise((r) => setTimeout(r, delayMs));
        state.inFlight--;
        const name = sql.replace('SELECT count(*) AS n FROM ', '');
        if (failing[name]) throw failing[name];
        return [{ n: String(name.length) }] as unknown as R[];
      },
      async close() {
        state.closed++;
      },
      [Symbol.asyncDispose]: async () => {},
    };
    return session;
  };
  return { state, first: make(), open: async () => (state.opened++, make()) };
}

describe('exact counts', () => {
  it('never runs more counts at once than the concurrency, and closes the sessions it opened', async () => {
    const { state, first, open } = fakeSessions(5);
    const jobs = Array.from({ length: 20 }, (_, i) => ({ name: `s.t${i}` }));
    const result = await exactCounts(jobs, 3, first, open);
    expect(result.outcomes.size).toBe(20);
    expect(result.outcomes.get('s.t12')).toEqual({ exact: 5 });
    expect(state.maxInFlight).toBe(3);
    expect(result.sessions).toBe(3);
    expect(state.opened).toBe(2);
    expect(state.closed).toBe(2);
  });

  it('records a failed count for its table and goes on with the others', async () => {
    const denied = new CutoverError('query', 'permission denied for table secret (SQLSTATE 42501)', { sqlState: '42501' });
    const { first, open } = fakeSessions(1, { 's.secret': denied });
    const result = await exactCounts([{ name: 's.secret' }, { name: 's.open' }], 1, first, open);
    expect(result.outcomes.get('s.secret')).toEqual({ skipped: 'count(*) failed: permission denied for table secret (SQLSTATE 42501)' });
    expect(result.outcomes.get('s.open')).toEqual({ exact: 6 });
  });

  it('counts with fewer sessions when the server refuses more connections', async () => {
    const { state, first } = fakeSessions(2);
    const refuse = async (): Promise<Session> => {
      throw new CutoverError('connect', 'sorry, too many clients already');
    };
    const result = await exactCounts(Array.from({ length: 6 }, (_, i) => ({ name: `s.t${i}` })), 4, first, refuse);
    expect(result.outcomes.size).toBe(6);
    expect(result.sessions).toBe(1);
    expect(state.maxInFlight).toBe(1);
  });
});
