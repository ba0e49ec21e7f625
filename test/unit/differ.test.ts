import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { CutoverError } from '../../core/errors.js';
import { defineCheck, type CheckDefinition } from '../../checks/define-check.js';
import { diffSnapshots } from '../../reports/differ.js';
import { evaluateSnapshot } from '../../reports/evaluate.js';
import { snapshotOf } from '../support/snapshot-builder.js';

const config = resolveConfig({});

interface Items {
  items: string[];
  broken?: string[];
}

/** A fake check: compare reports items gone after; evaluate reports broken items. */
const items = defineCheck<Items>({
  id: 'items',
  title: 'Items',
  collect: () => Promise.resolve({ items: [] }),
  compare: (pre, post) =>
    pre.items.filter((i) => !post.items.includes(i)).map((i) => ({ key: `gone:${i}`, severity: 'fail', message: `${i} gone`, object: i })),
  evaluate: (data) => (data.broken ?? []).map((b) => ({ key: `broken:${b}`, severity: 'warn', message: `${b} broken`, object: b })),
}) as CheckDefinition;

const preOnly = defineCheck<Items>({
  id: 'compat',
  title: 'Upgrade compatibility',
  suites: ['pre'],
  collect: () => Promise.resolve({ items: [] }),
  evaluate: (data) => data.items.map((i) => ({ key: `blocker:${i}`, severity: 'fail', message: `${i} blocks the upgrade` })),
}) as CheckDefinition;

const throwing = defineCheck<Items>({
  id: 'throwing',
  title: 'A rule that throws',
  collect: () => Promise.resolve({ items: [] }),
  compare: () => {
    throw new Error('data of another shape');
  },
}) as CheckDefinition;

const CHECKS = [items, preOnly, throwing];

describe('diffSnapshots', () => {
  it('runs compare on both data and evaluate on the post data, with ids <checkId>/<key>', () => {
    const pre = snapshotOf('pre', { items: { data: { items: ['a', 'b'] } } });
    const post = snapshotOf('post', { items: { data: { items: ['a'], broken: ['a'] } } });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings.map((f) => [f.id, f.checkId, f.severity, f.source])).toEqual([
      ['items/gone:b', 'items', 'fail', 'compare'],
      ['items/broken:a', 'items', 'warn', 'evaluate'],
    ]);
    expect(findings[1]?.preExisting).toBe(false);
  });

  it('marks an evaluate finding that was already there before as pre-existing', () => {
    const pre = snapshotOf('pre', { items: { data: { items: ['a'], broken: ['a'] } } });
    const post = snapshotOf('post', { items: { data: { items: ['a'], broken: ['a'] } } });
    const [finding] = diffSnapshots(pre, post, config, CHECKS);
    expect(finding).toMatchObject({ id: 'items/broken:a', source: 'evaluate', preExisting: true });
  });

  it('warns when a check collected before was skipped or failed after, with the reason', () => {
    const pre = snapshotOf('pre', { items: { data: { items: ['a'] } }, throwing: { data: { items: [] } } });
    const post = snapshotOf('post', {
      items: { status: 'skipped', reason: 'permission denied for pg_authid' },
      throwing: { status: 'error', reason: 'canceling statement due to statement timeout' },
    });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['items/not-collected-after', 'warn'],
      ['throwing/not-collected-after', 'warn'],
    ]);
    expect(findings[0]?.message).toContain('skipped after: permission denied for pg_authid');
    expect(findings[1]?.message).toContain('failed after: canceling statement');
  });

  it('warns that a check could not look when it failed before, and still evaluates the post data', () => {
    const pre = snapshotOf('pre', { items: { status: 'error', reason: 'boom' } });
    const post = snapshotOf('post', { items: { data: { items: [], broken: ['x'] } } });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings.map((f) => f.id)).toEqual(['items/broken:x', 'items/error-pre']);
    expect(findings[1]?.message).toBe('items could not look before: boom');
  });

  it('reports a check present before and absent after (excluded) as info, but not a pre-only check', () => {
    const pre = snapshotOf('pre', { items: { data: { items: ['a'] } }, compat: { data: { items: ['reg-types'] } } });
    const post = snapshotOf('post', {});
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      // A pre-only check describes the state before the upgrade: it is evaluated on the pre data.
      ['compat/blocker:reg-types', 'fail'],
      ['items/absent-after', 'info'],
    ]);
  });

  it('reports a check unknown to this version as info without running anything', () => {
    const pre = snapshotOf('pre', { 'from.the.future': { data: { anything: 1 } } });
    const post = snapshotOf('post', { 'from.the.future': { data: { anything: 2 } } });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'from.the.future/unknown-check', checkId: 'from.the.future', severity: 'info' });
  });

  it('turns a rule that throws into a warning instead of crashing', () => {
    const pre = snapshotOf('pre', { throwing: { data: { items: [] } } });
    const post = snapshotOf('post', { throwing: { data: { items: [] } } });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'throwing/rule-error', severity: 'warn' });
    expect(findings[0]?.message).toContain('data of another shape');
  });

  it('treats an entry with an unknown status as an error, not a crash', () => {
    const pre = snapshotOf('pre', { items: { data: { items: [] } } });
    const post = snapshotOf('post', { items: { status: 'weird' as 'ok' } });
    const findings = diffSnapshots(pre, post, config, CHECKS);
    expect(findings.map((f) => f.id)).toEqual(['items/not-collected-after']);
    expect(findings[0]?.message).toContain('malformed entry');
  });

  it('refuses snapshots of different schema versions and names both', () => {
    const pre = snapshotOf('pre', {});
    const post = { ...snapshotOf('post', {}), schemaVersion: 2 };
    let error: unknown;
    try {
      diffSnapshots(pre, post, config, CHECKS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('input');
    expect((error as CutoverError).shortMessage).toMatch(/schema versions 1 \(pre\) and 2 \(post\)/);
  });

  it('orders findings by severity, then id', () => {
    const pre = snapshotOf('pre', { items: { data: { items: ['z', 'c', 'm'] } } });
    const post = snapshotOf('post', { items: { data: { items: [], broken: ['b', 'a'] } } });
    expect(diffSnapshots(pre, post, config, CHECKS).map((f) => f.id)).toEqual([
      'items/gone:c',
      'items/gone:m',
      'items/gone:z',
      'items/broken:a',
      'items/broken:b',
    ]);
  });
});

describe('evaluateSnapshot', () => {
  it('gives evaluate findings of one snapshot and a warning per check that could not look', () => {
    const snapshot = snapshotOf('pre', {
      items: { data: { items: [], broken: ['q'] } },
      throwing: { status: 'error', reason: 'permission denied' },
      compat: { status: 'skipped', reason: 'no target major' },
    });
    const findings = evaluateSnapshot(snapshot, config, CHECKS);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['items/broken:q', 'warn'],
      ['throwing/error-pre', 'warn'],
    ]);
  });
});
