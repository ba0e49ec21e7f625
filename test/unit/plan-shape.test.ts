import { describe, expect, it } from 'vitest';
import { type JsonPlanNode, formatShape, planShape, sameShape } from '../../checks/plan-shape.js';
import { lineDiff } from '../../checks/line-diff.js';

// Shaped like EXPLAIN (FORMAT JSON, ANALYZE) output of PostgreSQL 17, estimates and timings included.
const hashJoin: JsonPlanNode = {
  'Node Type': 'Hash Join',
  'Parallel Aware': false,
  'Async Capable': false,
  'Join Type': 'Inner',
  'Startup Cost': 8.3,
  'Total Cost': 52.71,
  'Plan Rows': 120,
  'Plan Width': 16,
  'Actual Rows': 117,
  'Actual Loops': 1,
  'Inner Unique': true,
  'Hash Cond': '(o.customer_id = c.id)',
  Plans: [
    {
      'Node Type': 'Seq Scan',
      'Parent Relationship': 'Outer',
      'Parallel Aware': false,
      'Relation Name': 'orders',
      Alias: 'o',
      'Total Cost': 35.5,
      'Plan Rows': 2550,
      Filter: '(amount > 10)',
      'Rows Removed by Filter': 12,
    },
    {
      'Node Type': 'Hash',
      'Parent Relationship': 'Inner',
      'Parallel Aware': false,
      'Total Cost': 8.29,
      Plans: [
        {
          'Node Type': 'Index Scan',
          'Parent Relationship': 'Outer',
          'Parallel Aware': false,
          'Scan Direction': 'Forward',
          'Index Name': 'customers_pkey',
          'Relation Name': 'customers',
          Alias: 'c',
          'Total Cost': 8.29,
          'Index Cond': '(id < 100)',
        },
      ],
    },
  ],
};

describe('planShape', () => {
  it('keeps node types, relations, indexes, join types and child order; drops estimates and measurements', () => {
    expect(planShape(hashJoin)).toEqual({
      node: 'Hash Join',
      join: 'Inner',
      children: [
        { node: 'Seq Scan', relation: 'orders', children: [] },
        { node: 'Hash', children: [{ node: 'Index Scan', index: 'customers_pkey', relation: 'customers', children: [] }] },
      ],
    });
  });

  it('formats the shape as indented lines like EXPLAIN text', () => {
    expect(formatShape(planShape(hashJoin))).toEqual([
      'Hash Join (Inner)',
      '-> Seq Scan on orders',
      '-> Hash',
      '  -> Index Scan using customers_pkey on customers',
    ]);
  });

  it('names parallel, partial, backward, hashed, schema-qualified, subplan, CTE and function nodes', () => {
    const plan: JsonPlanNode = {
      'Node Type': 'Aggregate',
      Strategy: 'Plain',
      'Partial Mode': 'Finalize',
      Plans: [
        {
          'Node Type': 'Gather',
          Plans: [
            {
              'Node Type': 'Aggregate',
              Strategy: 'Hashed',
              'Partial Mode': 'Partial',
              Plans: [{ 'Node Type': 'Seq Scan', 'Parallel Aware': true, Schema: 'sales', 'Relation Name': 'orders' }],
            },
          ],
        },
        {
          'Node Type': 'Index Only Scan',
          'Parent Relationship': 'InitPlan',
          'Subplan Name': 'InitPlan 1',
          'Scan Direction': 'Backward',
          'Index Name': 'orders_at_idx',
          'Relation Name': 'orders',
        },
        { 'Node Type': 'CTE Scan', 'CTE Name': 'recent' },
        { 'Node Type': 'Function Scan', 'Function Name': 'generate_series' },
        { 'Node Type': 'Nested Loop', 'Join Type': 'Anti' },
        { 'Node Type': 'Merge Join', 'Join Type': 'Left' },
      ],
    };
    expect(formatShape(planShape(plan))).toEqual([
      'Finalize Aggregate',
      '-> Gather',
      '  -> Partial Aggregate [Hashed]',
      '    -> Parallel Seq Scan on sales.orders',
      '-> InitPlan 1: Index Only Scan Backward using orders_at_idx on orders',
      '-> CTE Scan on CTE recent',
      '-> Function Scan on function generate_series',
      '-> Nested Loop (Anti)',
      '-> Merge Join (Left)',
    ]);
  });

  it('treats plans that differ only in estimates as the same shape, and a scan change as different', () => {
    const cheaper: JsonPlanNode = JSON.parse(JSON.stringify(hashJoin).replace(/52\.71/g, '9.5').replace(/2550/g, '3'));
    expect(sameShape(planShape(hashJoin), planShape(cheaper))).toBe(true);
    const seq: JsonPlanNode = JSON.parse(JSON.stringify(hashJoin).replace('"Index Scan"', '"Seq Scan"'));
    expect(sameShape(planShape(hashJoin), planShape(seq))).toBe(false);
  });

  it('treats swapped join inputs (join order) as a different shape', () => {
    const swapped: JsonPlanNode = { ...hashJoin, Plans: [...(hashJoin.Plans ?? [])].reverse() };
    expect(sameShape(planShape(hashJoin), planShape(swapped))).toBe(false);
  });
});

describe('lineDiff', () => {
  it('marks removed and added lines around the common ones', () => {
    expect(lineDiff(['Aggregate', '-> Index Scan using t_pkey on t'], ['Aggregate', '-> Seq Scan on t'])).toEqual([
      '  Aggregate',
      '- -> Index Scan using t_pkey on t',
      '+ -> Seq Scan on t',
    ]);
  });

  it('handles empty sides and identical texts', () => {
    expect(lineDiff([], ['a'])).toEqual(['+ a']);
    expect(lineDiff(['a'], [])).toEqual(['- a']);
    expect(lineDiff(['a', 'b'], ['a', 'b'])).toEqual(['  a', '  b']);
  });

  it('keeps the longest common run when lines move', () => {
    expect(lineDiff(['x', 'a', 'b', 'c'], ['a', 'b', 'c', 'x'])).toEqual(['- x', '  a', '  b', '  c', '+ x']);
  });
});
