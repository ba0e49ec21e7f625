import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExplainBaseline } from '../../checks/explain-query.js';
import type { Snapshot } from '../../checks/snapshot.js';
import { alignPlans, countChanges, planDiffsSectionHtml, ratioClass, ratioOf } from '../../reports/sections/index.js';
import { baseline, node } from '../fixtures/report-sections/crafted.js';
import { snapshotOf } from '../support/snapshot-builder.js';

function sides(before: ExplainBaseline[], after: ExplainBaseline[]): [Snapshot, Snapshot] {
  return [
    snapshotOf('pre', { 'explain.baselines': { data: { baselines: before } } }),
    snapshotOf('post', { 'explain.baselines': { data: { baselines: after } } }),
  ];
}

/** The plan rows of a rendered section: their change class and the text of both sides. */
function planRows(html: string): { change: string; pre: string; post: string }[] {
  return [...html.matchAll(/<tr class="pd-row pd-(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...(m[2] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => (c[1] ?? '').replace(/<[^>]+>/g, '').replace(/^→ /, ''));
    return { change: m[1] ?? '', pre: cells[0] ?? '', post: cells[2] ?? '' };
  });
}

describe('plan alignment', () => {
  it('marks exactly the node that changed when a Seq Scan becomes an Index Scan', () => {
    const before = node('Aggregate', {}, node('Seq Scan', { relation: 'orders' }));
    const after = node('Aggregate', {}, node('Index Scan', { relation: 'orders', index: 'orders_pkey' }));
    const html = planDiffsSectionHtml(...sides([baseline('orders', before)], [baseline('orders', after)]));
    expect(planRows(html)).toEqual([
      { change: 'same', pre: 'Aggregate', post: 'Aggregate' },
      { change: 'changed', pre: 'Seq Scan on orders', post: 'Index Scan using orders_pkey on orders' },
    ]);
    expect(html).toContain('Plan changed: 1 changed (of 2 nodes).');
    expect(html).toContain('1 with a changed plan');
  });

  it('calls a node changed when its join type, relation, index or strategy differs', () => {
    const variants: [Parameters<typeof node>[1], Parameters<typeof node>[1]][] = [
      [{ join: 'Inner' }, { join: 'Left' }],
      [{ relation: 'a' }, { relation: 'b' }],
      [{ index: 'i1' }, { index: 'i2' }],
      [{ strategy: 'Hashed' }, { strategy: 'Sorted' }],
    ];
    for (const [x, y] of variants) expect(alignPlans(node('N', x), node('N', y))?.change).toBe('changed');
    expect(alignPlans(node('N', { relation: 'a' }), node('N', { relation: 'a' }))?.change).toBe('same');
  });

  it('adds an inserted sibling without shifting the ones after it', () => {
    const before = node('Append', {}, node('Seq Scan', { relation: 'p1' }), node('Seq Scan', { relation: 'p2' }));
    const after = node('Append', {}, node('Seq Scan', { relation: 'p1' }), node('Seq Scan', { relation: 'p3' }), node('Seq Scan', { relation: 'p2' }));
    const aligned = alignPlans(before, after);
    expect(aligned?.children.map((c) => c.change)).toEqual(['same', 'added', 'same']);
    expect(countChanges(aligned)).toEqual({ same: 3, changed: 0, added: 1, removed: 0 });
  });

  it('removes a whole subtree that is gone after', () => {
    const before = node('Hash Join', { join: 'Inner' }, node('Seq Scan', { relation: 'a' }), node('Hash', {}, node('Seq Scan', { relation: 'b' })));
    const after = node('Hash Join', { join: 'Inner' }, node('Seq Scan', { relation: 'a' }));
    const html = planDiffsSectionHtml(...sides([baseline('q', before)], [baseline('q', after)]));
    expect(planRows(html)).toEqual([
      { change: 'same', pre: 'Hash Join (Inner)', post: 'Hash Join (Inner)' },
      { change: 'same', pre: 'Seq Scan on a', post: 'Seq Scan on a' },
      { change: 'removed', pre: 'Hash', post: '' },
      { change: 'removed', pre: 'Seq Scan on b', post: '' },
    ]);
  });

  it('shows the botched upgrade of the differ fixtures: an index scan replaced by a sort over a seq scan', () => {
    const read = (f: string) => JSON.parse(readFileSync(new URL(`../fixtures/snapshots/${f}`, import.meta.url), 'utf8')) as Snapshot;
    const html = planDiffsSectionHtml(read('pre.snapshot.json'), read('post.snapshot.json'));
    expect(planRows(html)).toEqual([
      { change: 'same', pre: 'Limit', post: 'Limit' },
      { change: 'changed', pre: 'Index Scan Backward using notifications_user_idx on public.notifications', post: 'Sort' },
      { change: 'added', pre: '', post: 'Seq Scan on public.notifications' },
    ]);
    // 42.1 / 8.52, an estimate: shown, not coloured.
    expect(html).toContain('<span class="pd-ratio pd-noise">4.94×</span>');
  });
});

describe('plan figures', () => {
  it('computes ratios after / before and colours them beyond explain.timeRatio (default 2) or below its inverse', () => {
    expect(ratioOf(10, 30)).toBe(3);
    expect(ratioOf(0, 5)).toBeUndefined();
    expect(ratioOf(undefined, 5)).toBeUndefined();
    expect([2, 2.01, 0.5, 0.49, 1].map((r) => ratioClass(r))).toEqual(['even', 'worse', 'even', 'better', 'even']);
    expect([1.5, 1.51, 0.67, 0.669, 1].map((r) => ratioClass(r, 1.5))).toEqual(['even', 'worse', 'even', 'better', 'even']);
  });

  it('words and colours the plan section with the configured explain.timeRatio, not a fixed ratio', () => {
    const shape = node('Seq Scan', { relation: 't' });
    const before = baseline('q', shape, { analyze: true, runs: 1, executionTimeMs: 10 });
    const after = baseline('q', shape, { analyze: true, runs: 1, executionTimeMs: 25 });
    const configured = planDiffsSectionHtml(...sides([before], [after]), { timeRatio: 3 });
    expect(configured).toContain('no time ratio beyond 3× or below 0.33× (explain.timeRatio; beyond noise)');
    expect(configured).toContain('<span class="pd-ratio pd-even">2.50×</span>');
    const byDefault = planDiffsSectionHtml(...sides([before], [after]));
    expect(byDefault).toContain('1 with a time ratio beyond 2× or below 0.5× (explain.timeRatio, its default; beyond noise)');
    expect(byDefault).toContain('<span class="pd-ratio pd-worse">2.50×</span>');
  });

  it('shows cost (not coloured), planning and (ANALYZE) execution time with their ratios, and buffers', () => {
    const shape = node('Seq Scan', { relation: 't' });
    const analyze = { analyze: true, buffers: true, runs: 5 };
    const before = baseline('slow', shape, {
      ...analyze,
      totalCost: 100,
      planningTimeMs: 0.2,
      executionTimeMs: 10,
      executionTimeRangeMs: [9, 12],
      bufferBlocks: { sharedHit: 90, sharedRead: 10, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 0 },
    });
    const after = baseline('slow', shape, {
      ...analyze,
      totalCost: 50,
      planningTimeMs: 0.2,
      executionTimeMs: 30,
      executionTimeRangeMs: [28, 35],
      bufferBlocks: { sharedHit: 100, sharedRead: 0, sharedDirtied: 0, sharedWritten: 0, tempRead: 0, tempWritten: 0 },
    });
    const html = planDiffsSectionHtml(...sides([before], [after]));
    const figures = html.match(/<table class="pd-figures">([\s\S]*?)<\/table>/)?.[1] ?? '';
    const rows = [...figures.matchAll(/<tr><th>([^<]+)<\/th>([\s\S]*?)<\/tr>/g)].map((m) =>
      [m[1], ...[...(m[2] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => (c[1] ?? '').replace(/<div[^>]*>/g, ' (').replace(/<\/div>/g, ')').replace(/<[^>]+>/g, ''))].join(' | '),
    );
    expect(rows).toEqual([
      'Total cost (planner units) | 100 | 50 | 0.50×',
      'Planning time | 0.2 ms | 0.2 ms | 1.00×',
      'Execution time (ANALYZE) | 10 ms (median of 5, 9–12 ms) | 30 ms (median of 5, 28–35 ms) | 3.00×',
      'Shared buffers (blocks) | 90 hit + 10 read | 100 hit + 0 read | 1.00×',
    ]);
    expect(html).toContain('<span class="pd-ratio pd-noise">0.50×</span>');
    // 20 ms apart, beyond the noise margin (the wider spread, 28–35 ms): coloured.
    expect(html).toContain('<span class="pd-ratio pd-worse">3.00×</span>');
    expect(html).toContain('database app · ANALYZE, BUFFERS');
  });

  it('greys a time ratio within the spread of the repeated runs', () => {
    const shape = node('Seq Scan', { relation: 't' });
    const before = baseline('jittery', shape, { analyze: true, runs: 5, executionTimeMs: 10, executionTimeRangeMs: [9, 12], executionTimesMs: [9, 9.5, 10, 11, 12] });
    const after = baseline('jittery', shape, { analyze: true, runs: 5, executionTimeMs: 30, executionTimeRangeMs: [8, 45], executionTimesMs: [8, 15, 30, 42, 45] });
    const html = planDiffsSectionHtml(...sides([before], [after]));
    expect(html).toContain('<span class="pd-ratio pd-noise">3.00×</span>');
    expect(html).toContain('Grey time ratios');
    expect(html).toContain('no time ratio beyond 2× or below 0.5× (explain.timeRatio, its default; beyond noise)');
  });

  it('shows why a baseline has no plan: rejected, failed, or not configured on one side', () => {
    const ok = baseline('q', node('Result'));
    const rejected: ExplainBaseline = { ...ok, status: 'rejected', reason: 'not a single SELECT: DELETE', runs: 0 };
    const failed: ExplainBaseline = { ...ok, status: 'error', error: { message: 'cannot execute SELECT FOR UPDATE in a read-only transaction', sqlState: '25006' }, runs: 0 };
    const html = planDiffsSectionHtml(...sides([rejected, baseline('only-before', node('Result'))], [failed, baseline('only-after', node('Result'))]));
    expect(html).toContain('Before: rejected, never run: not a single SELECT: DELETE');
    expect(html).toContain('After: EXPLAIN failed: cannot execute SELECT FOR UPDATE in a read-only transaction (SQLSTATE 25006)');
    expect(html).toContain('After: this baseline was not configured.');
    expect(html).toContain('Before: this baseline was not configured.');
    // A plan with nothing to compare against is shown plainly, not as all added or removed.
    expect(planRows(html).map((r) => r.change)).toEqual(['same', 'same']);
  });
});
