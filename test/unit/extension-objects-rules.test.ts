import { describe, expect, it } from 'vitest';
import type { ExtensionIndex, ExtensionMembers, ExtensionObject } from '../../checks/extension-objects-collect.js';
import { diffExtensionIndexes, diffExtensionMembers } from '../../checks/extension-objects-diff.js';
import { extensionObjectsCheck, objectFindings } from '../../checks/extension-objects.js';
import { resolveConfig } from '../../core/config.js';
import { extensionUpdatesSectionHtml } from '../../reports/sections/extension-updates-section.js';
import type { RunManifest } from '../../run/manifest.js';

const obj = (kind: string, identity: string, o: Partial<ExtensionObject> = {}): ExtensionObject => ({ kind, identity, describe: '', fp: 'a', usedBy: [], usedByCount: 0, ...o });
const ext = (version: string, objects: ExtensionObject[]): ExtensionMembers => ({ database: 'app', name: 'demo', version, objects });
const index = (o: Partial<ExtensionIndex> = {}): ExtensionIndex => ({
  database: 'app', name: 'public.items_e_idx', table: 'public.items', method: 'hnsw', opclasses: ['public.demo_ops'], extensions: ['demo'],
  definition: 'CREATE INDEX items_e_idx ON public.items USING hnsw (e demo_ops)', valid: true, ...o,
});

describe('extension objects: diff and findings', () => {
  const before = ext('1.0', [
    obj('function', 'public.f(integer)', { describe: '(x integer) returns integer' }),
    obj('function', 'public.g(text)', { usedBy: ['view v'], usedByCount: 1 }),
    obj('function', 'public.h(text)'),
    obj('function', 'public.k(text)', { describe: '(a text) returns text' }),
    obj('operator class', 'public.demo_ops USING hnsw', { usedBy: ['index items_e_idx'], usedByCount: 1 }),
    obj('type', 'public.demo', { describe: "enum ('a')", usedBy: ['column c of table t'], usedByCount: 1 }),
  ]);
  const after = ext('2.0', [
    obj('function', 'public.f(integer)', { describe: '(y integer) returns integer', fp: 'b' }),
    obj('function', 'public.h(text,integer)'),
    obj('function', 'public.k(text)', { describe: '(a text) returns text', fp: 'c' }),
    obj('operator class', 'public.demo2_ops USING hnsw', { usedBy: ['index items_e_idx'], usedByCount: 1 }),
    obj('type', 'public.demo', { describe: "enum ('a', 'b')", fp: 'd', usedBy: ['column c of table t'], usedByCount: 1 }),
    obj('access method', 'demo_am'),
  ]);
  const d = diffExtensionMembers(before, after);

  it('matches by kind and identity; a rename is found by the dependents that followed it', () => {
    expect(d.removed.map((o) => o.identity)).toEqual(['public.g(text)', 'public.h(text)', 'public.demo_ops USING hnsw']);
    expect(d.added.map((o) => o.identity)).toEqual(['public.h(text,integer)', 'public.demo2_ops USING hnsw', 'demo_am']);
    expect(d.changed.map((c) => [c.identity, c.before, c.after])).toEqual([
      ['public.f(integer)', '(x integer) returns integer', '(y integer) returns integer'],
      ['public.k(text)', '(a text) returns text', '(a text) returns text'],
      ['public.demo', "enum ('a')", "enum ('a', 'b')"],
    ]);
    expect(d.renamed).toEqual([{ kind: 'operator class', from: 'public.demo_ops USING hnsw', to: 'public.demo2_ops USING hnsw', usedBy: ['index items_e_idx'] }]);
  });

  it('fails a removal something depended on, warns the others, and folds what nothing uses into info findings', () => {
    const findings = objectFindings(d).map((f) => [f.severity, f.key]);
    expect(findings).toEqual([
      ['warn', 'renamed:app:demo:operator class public.demo_ops USING hnsw'],
      ['fail', 'removed:app:demo:function public.g(text)'],
      ['warn', 'removed:app:demo:function public.h(text)'],
      ['warn', 'changed:app:demo:type public.demo'],
      ['info', 'changed:app:demo'],
      ['info', 'added:app:demo'],
    ]);
    const all = objectFindings(d);
    expect(all.find((f) => f.key === 'removed:app:demo:function public.h(text)')?.message).toBe(
      'function public.h(text) of extension demo in database app is gone after (1.0 -> 2.0); SQL that names it fails now; the extension now has public.h(text,integer)',
    );
    expect(all.find((f) => f.key === 'removed:app:demo:function public.g(text)')?.message).toContain('but was used by view v');
    // The renamed class is not listed again among the added.
    expect((all.find((f) => f.key === 'added:app:demo')?.details?.added as { identity: string }[]).map((a) => a.identity)).toEqual(['public.h(text,integer)', 'demo_am']);
    expect(all.find((f) => f.key === 'changed:app:demo')?.message).toBe('2 object(s) of extension demo in database app changed (1.0 -> 2.0): function public.f(integer); function public.k(text)');
  });

  it('indexes: missing and invalidated ones fail, a redefined one warns; only databases inspected after are compared', () => {
    expect(diffExtensionIndexes([index()], [])).toEqual([{ index: index(), change: 'missing' }]);
    expect(diffExtensionIndexes([index()], [index({ valid: false })]).map((c) => c.change)).toEqual(['invalid']);
    expect(diffExtensionIndexes([index()], [index({ definition: 'CREATE INDEX … (e demo2_ops)' })])).toEqual([{ index: index(), change: 'changed', definition: 'CREATE INDEX … (e demo2_ops)' }]);
    const data = (indexes: ExtensionIndex[], inspected: string[]) => ({ extensions: [], indexes, inspected, uninspected: [] });
    const ctx = { config: resolveConfig({}), pre: { serverVersionNum: 170000 }, post: { serverVersionNum: 170000 } };
    expect(extensionObjectsCheck.compare?.(data([index()], ['app']), data([], ['app']), ctx).map((f) => [f.severity, f.key])).toEqual([['fail', 'index-missing:app:public.items_e_idx']]);
    expect(extensionObjectsCheck.compare?.(data([index()], ['app']), data([], []), ctx)).toEqual([]);
  });

  it("renders the step's record as a table, every name escaped", () => {
    const run = {
      steps: [
        {
          name: 'update <demo>',
          action: 'extension-update',
          details: {
            extensions: [
              { database: 'app', extension: 'demo', before: '1.0', after: '2.0', outcome: 'updated', objects: { added: [], removed: ['function public."<script>"()'], changed: [], renamed: ['operator class a -> b'], indexes: [] } },
              { database: 'other', extension: 'demo', before: '2.0', after: '2.0', outcome: 'already-current' },
            ],
          },
        },
      ],
    } as unknown as RunManifest;
    const html = extensionUpdatesSectionHtml(run);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('update &lt;demo&gt;');
    expect(html).toContain('<strong>Renamed (1)</strong><div class="mono">operator class a -&gt; b</div>');
    expect(html).toContain('<td class="mono">2.0 (already current)</td>');
    expect(extensionUpdatesSectionHtml({ steps: [] } as unknown as RunManifest)).toBe('');
  });
});
