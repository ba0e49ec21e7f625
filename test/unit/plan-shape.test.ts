import { describe, expect, it } from 'vitest';
import { type JsonPlanNode, describeNode, formatShape, planShape, sameShape, subplanKind } from '../../checks/plan-shape.js';
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
      '-> InitPlan: Index Only Scan Backward using orders_at_idx on orders',
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

  it('reads InitPlan and SubPlan labels by kind, as every major words them', () => {
    expect(['InitPlan 1 (returns $0)', 'InitPlan 1', 'InitPlan 2 (returns $1,$2)', 'InitPlan 3'].map(subplanKind)).toEqual(['InitPlan', 'InitPlan', 'InitPlan', 'InitPlan']);
    expect(['SubPlan 1', 'hashed SubPlan 2', 'SubPlan 12'].map(subplanKind)).toEqual(['SubPlan', 'SubPlan', 'SubPlan']);
    expect(subplanKind('CTE recent')).toBe('CTE recent');
    // A snapshot written before the labels were normalised still reads the same.
    expect(describeNode({ node: 'Limit', subplan: 'InitPlan 1 (returns $0)', children: [] })).toBe('InitPlan: Limit');
  });

  // Regression: every pg-upgrade and dump-restore rehearsal 15 -> 17 warned "plan of
  // nearest-embeddings changed shape" over this label alone (issue 13).
  it('treats the InitPlan of PostgreSQL 15 and 17 as the same shape', () => {
    const plan = (label: string): JsonPlanNode => ({
      'Node Type': 'Limit',
      Output: ['notification_id', `((embedding <-> ${label.startsWith('InitPlan 1 (') ? '$0' : '(InitPlan 1).col1'}))`],
      Plans: [
        { 'Node Type': 'Seq Scan', 'Parent Relationship': 'InitPlan', 'Subplan Name': label, 'Relation Name': 'notification_embeddings' },
        {
          'Node Type': 'Index Scan',
          'Parent Relationship': 'Outer',
          'Index Name': 'notification_embeddings_hnsw',
          'Relation Name': 'notification_embeddings',
        },
      ],
    });
    expect(sameShape(planShape(plan('InitPlan 1 (returns $0)')), planShape(plan('InitPlan 1')))).toBe(true);
    expect(formatShape(planShape(plan('InitPlan 1')))).toEqual([
      'Limit',
      '-> InitPlan: Seq Scan on notification_embeddings',
      '-> Index Scan using notification_embeddings_hnsw on notification_embeddings',
    ]);
  });

  it('still tells an InitPlan from a SubPlan, and a subplan from an ordinary input', () => {
    const withSubplan = (extra: JsonPlanNode): JsonPlanNode => ({ 'Node Type': 'Seq Scan', 'Relation Name': 'users', Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'n', ...extra }] });
    const init = planShape(withSubplan({ 'Parent Relationship': 'InitPlan', 'Subplan Name': 'InitPlan 1' }));
    const sub = planShape(withSubplan({ 'Parent Relationship': 'SubPlan', 'Subplan Name': 'SubPlan 1' }));
    const plain = planShape(withSubplan({ 'Parent Relationship': 'Outer' }));
    expect(sameShape(init, sub)).toBe(false);
    expect(sameShape(sub, plain)).toBe(false);
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
