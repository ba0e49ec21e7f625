import type { ExtensionInfo, ExtensionsData } from '../../checks/extensions.js';
import { escapeHtml as h } from '../escape.js';
import { checkData, isRecord, type SnapshotSide } from './check-data.js';
import { noteHtml, plural, sectionHtml, sidesNote } from './section.js';

function isExtensionsData(value: unknown): value is ExtensionsData {
  return isRecord(value) && Array.isArray(value.extensions) && Array.isArray(value.inspected);
}

type Change = 'same' | 'changed' | 'added' | 'removed' | 'unknown';

/**
 * Extensions before and after, one row per database and extension: the version on each side,
 * the row highlighted when it changed, appeared or disappeared, and what else moved (schema,
 * an update left pending). An extension in a database not inspected on the other side is not
 * called added or removed: that side could not look.
 */
export function extensionsSectionHtml(pre: SnapshotSide | undefined, post: SnapshotSide | undefined): string {
  const before = checkData(pre, 'extensions', isExtensionsData);
  const after = checkData(post, 'extensions', isExtensionsData);
  const note = sidesNote(before, after);
  if (!before.ok && !after.ok) return sectionHtml('extensions-diff', 'Extensions before and after', note);
  const a = before.ok ? before.data : undefined;
  const b = after.ok ? after.data : undefined;
  const key = (e: ExtensionInfo) => `${e.database}\u0000${e.name}`;
  const rowsBefore = new Map((a?.extensions ?? []).map((e) => [key(e), e]));
  const rowsAfter = new Map((b?.extensions ?? []).map((e) => [key(e), e]));
  const keys = [...new Set([...rowsBefore.keys(), ...rowsAfter.keys()])].sort();
  const inspectedBefore = new Set(a?.inspected ?? []);
  const inspectedAfter = new Set(b?.inspected ?? []);
  const rows = keys.map((k) => {
    const x = rowsBefore.get(k);
    const y = rowsAfter.get(k);
    const e = (x ?? y) as ExtensionInfo;
    let change: Change = 'same';
    if (!x) change = a && inspectedBefore.has(e.database) ? 'added' : 'unknown';
    else if (!y) change = b && inspectedAfter.has(e.database) ? 'removed' : 'unknown';
    else if (x.version !== y.version || x.schema !== y.schema) change = 'changed';
    return { e, x, y, change };
  });
  const changed = rows.filter((r) => r.change !== 'same' && r.change !== 'unknown').length;
  const table = rows.length
    ? `<table class="rs-table">
<thead><tr><th>Database</th><th>Extension</th><th>Before</th><th>After</th><th>Notes</th></tr></thead>
<tbody>
${rows
  .map(
    (r) => `<tr class="rs-${r.change}">
<td>${h(r.e.database)}</td><td>${h(r.e.name)}</td>
<td>${side(r.x, a !== undefined, inspectedBefore, r.e.database)}</td>
<td>${side(r.y, b !== undefined, inspectedAfter, r.e.database)}</td>
<td>${notes(r.x, r.y, r.change)}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>`
    : noteHtml('No extensions installed on either side.');
  const summary = `${plural(rows.length, 'extension')} across ${plural(new Set(rows.map((r) => r.e.database)).size, 'database')}; ${changed ? `${changed} changed` : 'none changed'}.`;
  return sectionHtml('extensions-diff', 'Extensions before and after', `${noteHtml(summary)}\n${note}\n${table}`);
}

function side(e: ExtensionInfo | undefined, looked: boolean, inspected: Set<string>, database: string): string {
  if (e) return `<span class="mono">${h(e.version)}</span>`;
  if (!looked || !inspected.has(database)) return '<span class="muted">not inspected</span>';
  return '<span class="muted">not installed</span>';
}

function notes(x: ExtensionInfo | undefined, y: ExtensionInfo | undefined, change: Change): string {
  const out: string[] = [];
  if (change === 'added') out.push('new after');
  if (change === 'removed') out.push('missing after');
  if (x && y && x.version !== y.version) out.push(`version ${x.version} → ${y.version}`);
  if (x && y && x.schema !== y.schema) out.push(`schema ${x.schema} → ${y.schema}`);
  const last = y ?? x;
  if (last?.updatePending) out.push(`update pending${y ? '' : ' before'}: the server provides ${last.defaultVersion ?? '?'}`);
  return out.length ? h(out.join('; ')) : '<span class="muted">—</span>';
}
