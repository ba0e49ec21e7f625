import { describe, expect, it } from 'vitest';
import { compareFindings, comparePlans, explainBaselinesOf } from '../../reports/compare/index.js';
import { snapshotOf } from '../support/snapshot-builder.js';
import { baseline, chain, finding, findingsOf, postSnapshot } from './compare-fixtures.js';

describe('comparePlans', () => {
  const indexed = chain('Limit', { node: 'Index Scan', relation: 'notifications', index: 'by_user' });
  const seq = chain('Limit', 'Sort', { node: 'Seq Scan', relation: 'notifications' });

  it('tells a kept plan from a changed one, with cost and time ratios B/A', () => {
    const a = postSnapshot('16.14', [baseline('kept', indexed, 40, { planningTimeMs: 0.2 }), baseline('changed', indexed, 40, { analyze: true, executionTimeMs: 2 })]);
    const b = postSnapshot('17.10', [baseline('kept', indexed, 44, { planningTimeMs: 0.1 }), baseline('changed', seq, 400, { analyze: true, executionTimeMs: 9 })]);
    const [kept, changed] = comparePlans(a, b);
    expect(kept).toMatchObject({ name: 'kept', status: 'compared', sameShape: true, cost: { a: 40, b: 44 }, time: { kind: 'planning', a: 0.2, b: 0.1, ratio: 0.5 } });
    expect(kept?.cost?.ratio).toBeCloseTo(1.1, 6);
    expect(kept?.diff).toBeUndefined();
    expect(changed).toMatchObject({ name: 'changed', sameShape: false, cost: { ratio: 10 }, time: { kind: 'execution', ratio: 4.5 } });
    expect(changed?.shapeA).toEqual(['Limit', '-> Index Scan using by_user on notifications']);
    expect(changed?.diff).toEqual(['  Limit', '- -> Index Scan using by_user on notifications', '+ -> Sort', '+   -> Seq Scan on notifications']);
  });

  it('lists baselines of one run only, and says why a failed one was not compared', () => {
    const a = postSnapshot('16.14', [baseline('both', indexed, 1), baseline('gone', indexed, 1), baseline('broken', indexed, 1)]);
    const b = postSnapshot('17.10', [
      baseline('both', indexed, 1),
      baseline('broken', indexed, 1, { status: 'error', shape: undefined, error: { message: 'relation "t" does not exist', sqlState: '42P01' } }),
      baseline('new', indexed, 1),
    ]);
    expect(comparePlans(a, b).map((p) => [p.name, p.status, p.reason])).toEqual([
      ['both', 'compared', undefined],
      ['gone', 'only-a', undefined],
      ['broken', 'failed', 'B failed: relation "t" does not exist'],
      ['new', 'only-b', undefined],
    ]);
  });

  it('finds no baselines where the check was skipped, is missing, or the snapshot is', () => {
    expect(explainBaselinesOf(null)).toEqual([]);
    expect(explainBaselinesOf(snapshotOf('post', {}))).toEqual([]);
    expect(explainBaselinesOf(snapshotOf('post', { 'explain.baselines': { status: 'skipped', reason: 'no queries' } }))).toEqual([]);
    expect(comparePlans(null, postSnapshot('17', [baseline('x', indexed, 1)]))).toEqual([{ name: 'x', status: 'only-b' }]);
  });
});

describe('compareFindings', () => {
  it('matches findings by id and object and reports those in one run only or at another severity, worst first', () => {
    const a = findingsOf([finding('server/version-major', 'info'), finding('rows/grew', 'info', 'app.a'), finding('rows/grew', 'info', 'app.b'), finding('explain.baselines/cost:q', 'warn', 'q')]);
    const b = findingsOf([finding('server/version-major', 'info', undefined, 'major version 15 -> 17'), finding('rows/grew', 'info', 'app.a'), finding('explain.baselines/cost:q', 'fail', 'q'), finding('extensions/dropped', 'fail', 'vector')]);
    const c = compareFindings(a, b);
    expect(c.available).toEqual({ a: true, b: true });
    // The same id with another message (the versions differ) is the same finding.
    expect(c.unchanged).toBe(2);
    expect(c.differences.map((d) => [d.id, d.object, d.a, d.b])).toEqual([
      ['explain.baselines/cost:q', 'q', 'warn', 'fail'],
      ['extensions/dropped', 'vector', undefined, 'fail'],
      ['rows/grew', 'app.b', 'info', undefined],
    ]);
  });

  it('treats a run without findings.json as having none, and says so', () => {
    const c = compareFindings(null, findingsOf([finding('x/y', 'warn')]));
    expect(c.available).toEqual({ a: false, b: true });
    expect(c.differences).toHaveLength(1);
  });
});
