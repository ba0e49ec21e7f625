import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { schemaCheck } from '../../checks/schema-inventory.js';
import type { SchemaData, SchemaInventory } from '../../checks/schema/inventory.js';
import type { TableInfo, ColumnInfo } from '../../checks/schema/tables.js';
import type { SequenceInfo } from '../../checks/schema/sequences.js';
import { fingerprint, unqualified } from '../../checks/schema/fingerprint.js';
import { keys } from '../support/finding-keys.js';

const config = resolveConfig({});
const compareCtx = { config, pre: { serverVersionNum: 150020 }, post: { serverVersionNum: 170011 } };
const evaluateCtx = { config, serverVersionNum: 170011, suite: 'post' as const };

function table(columns: ColumnInfo[], extra: Partial<TableInfo> = {}): TableInfo {
  const info = { kind: 'table' as const, persistence: 'permanent' as const, columns, ...extra };
  return { ...info, fp: fingerprint(info.kind, info.persistence, info.partitionOf, info.columns) };
}

function sequence(lastValue: string | null, extra: Partial<SequenceInfo> = {}): SequenceInfo {
  return { dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cycle: false, lastValue, fp: 'seq', ...extra };
}

function inventory(parts: Partial<SchemaInventory> = {}): SchemaInventory {
  return { tables: {}, constraints: {}, indexes: {}, sequences: {}, views: {}, matviews: {}, triggers: {}, functions: {}, ...parts };
}

function data(app: SchemaInventory, uninspected: SchemaData['uninspected'] = []): SchemaData {
  return { databases: { app }, uninspected };
}

const orders = table([
  { name: 'id', type: 'bigint', notNull: true },
  { name: 'total', type: 'numeric(12,2)', notNull: true },
  { name: 'note', type: 'text' },
]);

function index(tbl: string, definition: string, valid = true, ready = true) {
  return { table: tbl, method: 'btree', definition, valid, ready, live: true, fp: fingerprint(definition) };
}

describe('schema fingerprint', () => {
  it('ignores layout but not content', () => {
    expect(fingerprint('SELECT a,\n   b FROM t;')).toBe(fingerprint('SELECT a, b FROM t'));
    expect(fingerprint('SELECT a FROM t')).not.toBe(fingerprint('SELECT b FROM t'));
    expect(fingerprint('x')).toHaveLength(16);
  });

  it('gives a view the same fingerprint whether the deparser qualifies its columns (15) or not (16+)', () => {
    const pg15 = ' SELECT orders.customer_id,\n    sum(orders.total) AS total\n   FROM shop.orders\n  GROUP BY orders.customer_id;';
    const pg17 = ' SELECT customer_id,\n    sum(total) AS total\n   FROM shop.orders\n  GROUP BY customer_id;';
    expect(fingerprint(unqualified(pg15))).toBe(fingerprint(unqualified(pg17)));
    expect(unqualified('SELECT "My Table"."a ""b""", t.x, 1.5 FROM s.t')).toBe('SELECT "a ""b""", x, 1.5 FROM t');
    expect(fingerprint(unqualified('SELECT t.a FROM t WHERE t.a > 5'))).not.toBe(fingerprint(unqualified('SELECT t.a FROM t WHERE t.a > 6')));
  });
});

describe('schema compare', () => {
  it('reports nothing for identical inventories', () => {
    const same = data(inventory({ tables: { 'shop.orders': orders }, sequences: { 'shop.s': sequence('5') } }));
    expect(schemaCheck.compare?.(same, structuredClone(same), compareCtx)).toEqual([]);
  });

  it('fails on a dropped table and folds its indexes, constraints and triggers into that finding', () => {
    const pre = data(
      inventory({
        tables: { 'shop.orders': orders, 'shop.kept': orders },
        indexes: { 'shop.orders_pkey': index('shop.orders', 'CREATE UNIQUE INDEX orders_pkey ON shop.orders (id)') },
        constraints: { 'shop.orders.orders_pkey': { table: 'shop.orders', type: 'primary key', definition: 'PRIMARY KEY (id)', fp: 'c' } },
        triggers: { 'shop.orders.t': { table: 'shop.orders', enabled: 'origin', fp: 't' } },
      }),
    );
    const post = data(inventory({ tables: { 'shop.kept': orders } }));
    const findings = schemaCheck.compare?.(pre, post, compareCtx);
    expect(keys(findings)).toEqual({ 'table-disappeared:app:shop.orders': 'fail' });
    expect(findings?.[0]?.details).toEqual({ constraints: 1, indexes: 1, triggers: 1 });
  });

  it('fails on a dropped column and a column type change, warns on nullability and defaults, notes additions', () => {
    const changed = table([
      { name: 'id', type: 'integer', notNull: true },
      { name: 'total', type: 'numeric(12,2)', default: '0' },
      { name: 'added', type: 'jsonb' },
    ]);
    const findings = schemaCheck.compare?.(data(inventory({ tables: { 'shop.orders': orders } })), data(inventory({ tables: { 'shop.orders': changed } })), compareCtx);
    expect(keys(findings)).toEqual({
      'column-type-changed:app:shop.orders.id': 'fail',
      'column-changed:app:shop.orders.total': 'warn',
      'column-disappeared:app:shop.orders.note': 'fail',
      'column-appeared:app:shop.orders.added': 'info',
    });
    const typeChange = findings?.find((f) => f.key.startsWith('column-type-changed'));
    expect(typeChange?.message).toContain('from bigint to integer');
    expect(findings?.find((f) => f.key.startsWith('column-changed'))?.details).toEqual({
      notNull: { pre: true, post: null },
      default: { pre: null, post: '0' },
    });
  });

  it('warns when a table changes persistence or column order', () => {
    const reordered = table([orders.columns[1]!, orders.columns[0]!, orders.columns[2]!], { persistence: 'unlogged' });
    const findings = schemaCheck.compare?.(data(inventory({ tables: { t: orders } })), data(inventory({ tables: { t: reordered } })), compareCtx);
    expect(keys(findings)).toEqual({ 'table-changed:app:t': 'warn' });
    expect(Object.keys(findings?.[0]?.details ?? {})).toEqual(['persistence', 'columnOrder']);
  });

  it('grades disappearances by kind: indexes, constraints and functions fail, views and triggers warn', () => {
    const pre = data(
      inventory({
        tables: { 'shop.orders': orders },
        indexes: { 'shop.i': index('shop.orders', 'CREATE INDEX i ON shop.orders (total)') },
        constraints: { 'shop.orders.c': { table: 'shop.orders', type: 'check', definition: 'CHECK (total >= 0)', fp: 'c' } },
        functions: { 'shop.f(integer)': { kind: 'function', language: 'sql', result: 'integer', fp: 'f' } },
        views: { 'shop.v': { fp: 'v' } },
        matviews: { 'shop.m': { populated: true, fp: 'm' } },
        triggers: { 'shop.orders.t': { table: 'shop.orders', enabled: 'origin', fp: 't' } },
        sequences: { 'shop.s': sequence(null) },
      }),
    );
    const post = data(inventory({ tables: { 'shop.orders': orders } }));
    expect(keys(schemaCheck.compare?.(pre, post, compareCtx))).toEqual({
      'index-disappeared:app:shop.i': 'fail',
      'constraint-disappeared:app:shop.orders.c': 'fail',
      'function-disappeared:app:shop.f(integer)': 'fail',
      'view-disappeared:app:shop.v': 'warn',
      'materialized-view-disappeared:app:shop.m': 'warn',
      'trigger-disappeared:app:shop.orders.t': 'warn',
      'sequence-disappeared:app:shop.s': 'warn',
    });
  });

  it('warns on a changed definition with the differing fields, and notes what appeared', () => {
    const pre = data(inventory({ indexes: { 'shop.i': index('shop.orders', 'CREATE INDEX i ON shop.orders (a)') } }));
    const post = data(
      inventory({
        indexes: { 'shop.i': index('shop.orders', 'CREATE INDEX i ON shop.orders (a, b)') },
        views: { 'shop.new_view': { fp: 'v' } },
      }),
    );
    const findings = schemaCheck.compare?.(pre, post, compareCtx);
    expect(keys(findings)).toEqual({ 'index-changed:app:shop.i': 'warn', 'view-appeared:app:shop.new_view': 'info' });
    expect(findings?.[0]?.details).toEqual({
      definition: { pre: 'CREATE INDEX i ON shop.orders (a)', post: 'CREATE INDEX i ON shop.orders (a, b)' },
    });
  });

  it('fails on a sequence that went back or was never used after, and only warns when it is hidden', () => {
    const pre = data(inventory({ sequences: { back: sequence('500'), unused: sequence('42'), hidden: sequence('7'), ahead: sequence('10') } }));
    const post = data(
      inventory({
        sequences: { back: sequence('1'), unused: sequence(null), hidden: sequence(null, { unreadable: true }), ahead: sequence('33') },
      }),
    );
    expect(keys(schemaCheck.compare?.(pre, post, compareCtx))).toEqual({
      'sequence-behind:app:back': 'fail',
      'sequence-behind:app:unused': 'fail',
      'sequence-value-hidden:app:hidden': 'warn',
    });
  });

  it('understands descending sequences and values past 2^53', () => {
    const down = { increment: '-1' };
    const pre = data(inventory({ sequences: { down: sequence('-10', down), big: sequence('9007199254740993') } }));
    const post = data(inventory({ sequences: { down: sequence('-20', down), big: sequence('9007199254740992') } }));
    expect(keys(schemaCheck.compare?.(pre, post, compareCtx))).toEqual({ 'sequence-behind:app:big': 'fail' });
  });

  it('lists nothing for a database that could not be inspected after', () => {
    const pre = data(inventory({ tables: { 'shop.orders': orders } }));
    const post: SchemaData = { databases: {}, uninspected: [{ database: 'app', reason: 'permission denied for database app' }] };
    expect(schemaCheck.compare?.(pre, post, compareCtx)).toEqual([]);
  });
});

describe('schema evaluate', () => {
  it('fails on invalid or not-ready indexes and warns on unpopulated materialized views', () => {
    const findings = schemaCheck.evaluate?.(
      data(
        inventory({
          indexes: {
            'shop.ok': index('shop.t', 'CREATE INDEX ok ON shop.t (a)'),
            'shop.broken': index('shop.t', 'CREATE UNIQUE INDEX broken ON shop.t (a)', false, false),
          },
          matviews: { 'shop.filled': { populated: true, fp: 'a' }, 'shop.empty': { populated: false, fp: 'b' } },
        }),
        [{ database: 'locked', reason: 'permission denied for database locked' }],
      ),
      evaluateCtx,
    );
    expect(keys(findings)).toEqual({
      'index-invalid:app:shop.broken': 'fail',
      'matview-unpopulated:app:shop.empty': 'warn',
      'uninspected:locked': 'warn',
    });
    expect(findings?.[0]?.message).toContain('invalid and not ready');
  });
});
