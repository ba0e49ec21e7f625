import type { RunManifest } from '../../run/manifest.js';
import { escapeHtml as h } from '../escape.js';
import { isRecord } from './check-data.js';
import { noteHtml, plural, sectionHtml } from './section.js';

/** Objects of one kind of change a cell names before it folds the rest into a disclosure. */
const SHOWN = 6;

interface UpdateRow {
  step: string;
  database: string;
  extension: string;
  before: string;
  after: string;
  outcome: string;
  objects?: { added: string[]; removed: string[]; changed: string[]; renamed: string[]; indexes: string[] };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The updates recorded in the run's `extension-update` steps (`details.extensions`), in step order. */
function updateRows(run: RunManifest): UpdateRow[] {
  return run.steps
    .filter((s) => s.action === 'extension-update' && Array.isArray(s.details?.extensions))
    .flatMap((s) =>
      (s.details?.extensions as unknown[]).filter(isRecord).map((u) => {
        const o = isRecord(u.objects) ? u.objects : undefined;
        return {
          step: s.name,
          database: String(u.database),
          extension: String(u.extension),
          before: String(u.before),
          after: String(u.after),
          outcome: String(u.outcome),
          ...(o ? { objects: { added: strings(o.added), removed: strings(o.removed), changed: strings(o.changed), renamed: strings(o.renamed), indexes: strings(o.indexes) } } : {}),
        };
      }),
    );
}

/** One kind of change: its heading with the count, the first SHOWN objects, the rest folded. */
function listBlock(heading: string, items: string[], cls: string): string {
  if (!items.length) return '';
  const line = (t: string) => `<div class="mono">${h(t)}</div>`;
  const rest = items.slice(SHOWN);
  return `<div class="${cls}"><strong>${h(heading)} (${items.length})</strong>${items.slice(0, SHOWN).map(line).join('')}${
    rest.length ? `<details class="rs-all"><summary>${rest.length} more</summary>${rest.map(line).join('')}</details>` : ''
  }</div>`;
}

function objectsCell(o: UpdateRow['objects'], outcome: string): string {
  if (!o) return `<span class="muted">${outcome === 'updated' ? 'not recorded' : '—'}</span>`;
  const blocks = [
    listBlock('Removed', o.removed, 'eu-removed'),
    listBlock('Renamed', o.renamed, 'eu-renamed'),
    listBlock('Changed', o.changed, 'eu-changed'),
    listBlock('Added', o.added, 'eu-added'),
    listBlock('Indexes affected', o.indexes, 'eu-indexes'),
  ].filter(Boolean);
  return blocks.length ? blocks.join('\n') : '<span class="muted">no object added, removed or changed</span>';
}

/**
 * What each `extension-update` step did, per database and extension: the versions, and the
 * objects the update added, removed (with what used them) and changed, and the user indexes on
 * them it affected, as the step read them from the catalogs before and after. Empty when the run
 * has no such step.
 */
export function extensionUpdatesSectionHtml(run: RunManifest): string {
  const rows = updateRows(run);
  if (!rows.length) return '';
  const updated = rows.filter((r) => r.outcome === 'updated');
  const table = `<table class="rs-table">
<thead><tr><th>Step</th><th>Database</th><th>Extension</th><th>Version</th><th>Objects (from the catalogs)</th></tr></thead>
<tbody>
${rows
  .map((r) => {
    const o = r.objects;
    const cls = o && (o.removed.length || o.indexes.length) ? 'rs-removed' : o && (o.changed.length || o.added.length || o.renamed.length) ? 'rs-changed' : 'rs-same';
    const version = r.outcome === 'updated' ? `${r.before} → ${r.after}` : `${r.after} (already current)`;
    return `<tr class="${cls}">
<td>${h(r.step)}</td><td>${h(r.database)}</td><td>${h(r.extension)}</td><td class="mono">${h(version)}</td>
<td>${objectsCell(o, r.outcome)}</td>
</tr>`;
  })
  .join('\n')}
</tbody>
</table>`;
  const summary = `${plural(rows.length, 'extension update')} recorded, ${updated.length} changed a version. Objects as the step read them from the catalogs before and after its ALTER EXTENSION … UPDATE.`;
  return sectionHtml('extension-updates', 'Extension updates', `${noteHtml(summary)}\n${table}`);
}
