import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { readSnapshot } from '../../checks/snapshot.js';
import { CATALOG } from '../../checks/catalog.js';
import { diffSnapshots } from '../../reports/differ.js';
import { applyGate } from '../../reports/gate.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/snapshots/${name}`, import.meta.url));

describe('the differ on fixture snapshots, with the real catalog', async () => {
  const pre = await readSnapshot(fixture('pre.snapshot.json'));
  const post = await readSnapshot(fixture('post.snapshot.json'));
  const config = resolveConfig({});
  const findings = diffSnapshots(pre, post, config, CATALOG);
  const byId = new Map(findings.map((f) => [f.id, f]));

  it('uses only check ids the catalog knows', () => {
    const known = new Set(CATALOG.map((c) => c.id));
    expect([...Object.keys(pre.checks), ...Object.keys(post.checks)].filter((id) => !known.has(id))).toEqual([]);
    expect(findings.filter((f) => f.source === 'differ')).toEqual([]);
  });

  it('reports a dropped extension', () => {
    expect(byId.get('extensions/missing:app:vector')).toMatchObject({ severity: 'fail', checkId: 'extensions', source: 'compare' });
  });

  it('reports an extension downgrade', () => {
    expect(byId.get('extensions/downgraded:app:pg_trgm')).toMatchObject({ severity: 'fail', details: { pre: '1.6', post: '1.5' } });
  });

  it('reports a lost role', () => {
    expect(byId.get('roles/missing:reporting')).toMatchObject({ severity: 'fail', object: 'reporting' });
  });

  it('reports a row-count drop', () => {
    expect(byId.get('rows/rows-dropped:app:public.notifications')).toMatchObject({
      severity: 'fail',
      details: { pre: 1000, post: 990 },
    });
  });

  it('reports a changed plan shape', () => {
    const shape = byId.get('explain.baselines/shape:inbox');
    expect(shape).toMatchObject({ severity: 'warn', checkId: 'explain.baselines', object: 'inbox' });
    expect(shape?.message).toMatch(/Seq Scan on public\.notifications/);
    // With the shape change made a failure by the configuration, it fails the gate.
    const strict = resolveConfig({ explain: { shapeChange: 'fail' } });
    const strictFindings = diffSnapshots(pre, post, strict, CATALOG);
    expect(applyGate(strictFindings, strict.gate).failing.map((f) => f.id)).toContain('explain.baselines/shape:inbox');
  });

  it('reports an index invalid after, as new (not already invalid before)', () => {
    expect(byId.get('schema/index-invalid:app:public.notifications_user_idx')).toMatchObject({
      severity: 'fail',
      source: 'evaluate',
      preExisting: false,
    });
  });

  it('fails the default gate, and passes when those findings are allowed', () => {
    expect(applyGate(findings, config.gate).verdict).toBe('fail');
    const allowed = applyGate(findings, { failOn: ['fail'], allow: ['extensions/*', 'roles/missing:reporting', 'rows/*', 'schema/*', 'explain.baselines/*'] });
    expect(allowed.failing.map((f) => f.id)).toEqual([]);
    expect(allowed.verdict).toBe('warn');
  });

  it('finds nothing to fail in a snapshot compared with itself', () => {
    const same = diffSnapshots(pre, pre, config, CATALOG);
    expect(same.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(applyGate(same, config.gate).verdict).toBe('pass');
  });
});
