import { describe, expect, it } from 'vitest';
import { checkExpectation, jsonSafe, looseEqual, type StoredResult } from '../../checks/custom-expectation.js';
import { customSql, describeExpectation, type CustomSqlResult } from '../../checks/custom-sql.js';
import { resolveConfig } from '../../core/config.js';

const result = (rows: Record<string, unknown>[], rowCount = rows.length): StoredResult => ({ rows, rowCount, truncated: rowCount > rows.length });

describe('checkExpectation', () => {
  it('empty and nonEmpty look at the row count', () => {
    expect(checkExpectation('empty', result([]))).toEqual({ met: true, got: '0 rows' });
    expect(checkExpectation('empty', result([{ id: 1 }]))).toEqual({ met: false, got: '1 row' });
    expect(checkExpectation('nonEmpty', result([{ id: 1 }, { id: 2 }]))).toEqual({ met: true, got: '2 rows' });
    expect(checkExpectation('nonEmpty', result([])).met).toBe(false);
  });

  it('equals a scalar: the first column of the first row, numbers by value', () => {
    expect(checkExpectation({ equals: 42 }, result([{ count: '42', other: 'x' }])).met).toBe(true);
    expect(checkExpectation({ equals: 42 }, result([{ count: '41' }]))).toEqual({ met: false, got: '"41"' });
    expect(checkExpectation({ equals: 'on' }, result([{ setting: 'on' }])).met).toBe(true);
    expect(checkExpectation({ equals: true }, result([{ ok: true }])).met).toBe(true);
    expect(checkExpectation({ equals: null }, result([{ v: null }])).met).toBe(true);
    expect(checkExpectation({ equals: null }, result([]))).toEqual({ met: false, got: 'no rows' });
  });

  it('equals an object: exactly one row with those columns', () => {
    expect(checkExpectation({ equals: { name: 'a', n: 1 } }, result([{ name: 'a', n: '1' }])).met).toBe(true);
    expect(checkExpectation({ equals: { name: 'a' } }, result([{ name: 'a', n: 1 }])).met).toBe(false);
    expect(checkExpectation({ equals: { name: 'a' } }, result([{ name: 'a' }, { name: 'a' }])).met).toBe(false);
  });

  it('equals an array: the whole result, as rows or as the values of a single column', () => {
    expect(checkExpectation({ equals: ['a', 'b'] }, result([{ x: 'a' }, { x: 'b' }])).met).toBe(true);
    expect(checkExpectation({ equals: ['b', 'a'] }, result([{ x: 'a' }, { x: 'b' }])).met).toBe(false);
    expect(checkExpectation({ equals: [{ x: 1, y: 'a' }] }, result([{ x: 1, y: 'a' }])).met).toBe(true);
    expect(checkExpectation({ equals: [] }, result([])).met).toBe(true);
    expect(checkExpectation({ equals: ['a'] }, result([{ x: 'a' }], 150)).met).toBe(false);
  });

  it('atMost: the single numeric value of a one-row one-column result, else the row count', () => {
    expect(checkExpectation({ atMost: 5 }, result([{ count: '3' }]))).toEqual({ met: true, got: '3' });
    expect(checkExpectation({ atMost: 5 }, result([{ count: '7' }]))).toEqual({ met: false, got: '7' });
    expect(checkExpectation({ atMost: 1 }, result([{ name: 'x' }, { name: 'y' }]))).toEqual({ met: false, got: '2 rows' });
    expect(checkExpectation({ atMost: 1 }, result([{ name: 'x' }]))).toEqual({ met: true, got: '1 row' });
    expect(checkExpectation({ atMost: 0 }, result([{ id: 3, name: 'x' }])).met).toBe(false);
  });
});

describe('looseEqual and jsonSafe', () => {
  it('lets numbers equal their string form only', () => {
    expect(looseEqual(1, '1')).toBe(true);
    expect(looseEqual(1.5, '1.50')).toBe(true);
    expect(looseEqual(1, 'one')).toBe(false);
    expect(looseEqual('1', 1)).toBe(true);
    expect(looseEqual(1, true)).toBe(false);
  });

  it('turns dates, bytes and bigints into JSON', () => {
    expect(jsonSafe({ at: new Date('2025-01-02T03:04:05Z'), b: Buffer.from([1, 255]), n: 10n, a: [new Date(0)] })).toEqual({
      at: '2025-01-02T03:04:05.000Z',
      b: '\\x01ff',
      n: '10',
      a: ['1970-01-01T00:00:00.000Z'],
    });
  });
});

describe('custom.sql evaluate', () => {
  const base: CustomSqlResult = {
    id: 'no-orphans',
    database: 'app',
    description: 'orders without a customer',
    sql: 'SELECT id FROM orders WHERE customer_id IS NULL',
    expect: 'empty',
    severity: 'fail',
    status: 'ok',
    rowCount: 0,
    rows: [],
    truncated: false,
  };
  const evaluate = (results: CustomSqlResult[]) =>
    customSql.evaluate?.({ results }, { config: resolveConfig({}), serverVersionNum: 170000, suite: 'post' }) ?? [];

  it('is quiet when the expectation holds', () => {
    expect(evaluate([base])).toEqual([]);
  });

  it('reports an unmet expectation at the entry severity, with the description and a sample', () => {
    const [finding] = evaluate([{ ...base, severity: 'warn', rowCount: 2, rows: [{ id: 7 }, { id: 9 }] }]);
    expect(finding).toMatchObject({ key: 'no-orphans', severity: 'warn', object: 'no-orphans' });
    expect(finding?.message).toBe('orders without a customer: expected no rows, got 2 rows; sample: [{"id":7},{"id":9}]');
  });

  it('reports a failed or refused query under the same key', () => {
    const findings = evaluate([
      { ...base, status: 'error', error: { message: 'relation "orders" does not exist', sqlState: '42P01' } },
      { ...base, id: 'sneaky', description: undefined, status: 'rejected', reason: 'contains DELETE' },
    ]);
    expect(findings.map((f) => [f.key, f.severity, f.message])).toEqual([
      ['no-orphans', 'fail', 'orders without a customer: failed: relation "orders" does not exist'],
      ['sneaky', 'fail', 'sneaky: not run: contains DELETE'],
    ]);
  });

  it('describes expectations for people', () => {
    expect(describeExpectation('nonEmpty')).toBe('at least one row');
    expect(describeExpectation({ atMost: 3 })).toBe('at most 3');
    expect(describeExpectation({ equals: 'on' })).toBe('= "on"');
  });
});
