import type { RowCountsData, TableRows } from '../../checks/row-counts.js';
import { escapeHtml as h } from '../escape.js';
import { checkData, isRecord, type SnapshotSide } from './check-data.js';
import { noteHtml, plural, sectionHtml, sidesNote } from './section.js';
import { formatNumber } from './value-html.js';

export interface RowCountsSectionOptions {
  /** The soak's own schema (the run's `soak.schema`); default `cutover`. */
  soakSchema?: string;
  /** Ledgered writes the soak confirmed (the run's `soak.summary.confirmed`), to account for its tables' growth. */
  soakWrites?: number;
}

/** Above this many tables only the changed ones are shown open; all of them stay in a collapsed table. */
const OPEN_ROWS = 50;

function isRowCountsData(value: unknown): value is RowCountsData {
  return isRecord(value) && isRecord(value.databases);
}

interface CountRow {
  database: string;
  table: string;
  before?: TableRows;
  after?: TableRows;
  /** After minus before, when both sides have an exact count. */
  difference?: number;
}

/** Whether a table (a `format('%I.%I')` name) is in the given schema. */
function inSchema(table: string, schema: string): boolean {
  const quoted = `"${schema.replace(/"/g, '""')}".`;
  return table.startsWith(`${schema}.`) || table.startsWith(quoted);
}

/**
 * Row counts before and after, per database and table, with the difference where both sides
 * have an exact count (estimates move with VACUUM alone, so they are shown, not subtracted). The
 * soak's own tables are shown apart and their growth is labelled as the soak's writes, so that a
 * reader does not take it for drift.
 */
export function rowCountsSectionHtml(pre: SnapshotSide | undefined, post: SnapshotSide | undefined, options: RowCountsSectionOptions = {}): string {
  const soakSchema = options.soakSchema ?? 'cutover';
  const before = checkData(pre, 'rows', isRowCountsData);
  const after = checkData(post, 'rows', isRowCountsData);
  const note = sidesNote(before, after);
  if (!before.ok && !after.ok) return sectionHtml('row-counts-diff', 'Row counts before and after', note);
  const rows = countRows(before.ok ? before.data : undefined, after.ok ? after.data : undefined);
  const soak = rows.filter((r) => inSchema(r.table, soakSchema));
  const data = rows.filter((r) => !inSchema(r.table, soakSchema));
  const changed = data.filter((r) => r.difference !== 0 || !r.before || !r.after);
  const dataPart = data.length === 0
    ? noteHtml('No user tables outside the soak\'s schema.')
    : data.length <= OPEN_ROWS
      ? countsTable(data)
      : `${changed.length ? countsTable(changed) : ''}
<details class="rs-all"><summary>All ${plural(data.length, 'table')}</summary>
${countsTable(data)}
</details>`;
  const summary = `${plural(data.length, 'table')}: ${
    changed.length ? `${changed.length} changed or not comparable` : 'no exact count changed'
  }. The difference is after minus before, for tables counted exactly on both sides; an estimate (≈) is never subtracted.`;
  return sectionHtml(
    'row-counts-diff',
    'Row counts before and after',
    `${noteHtml(summary)}
${note}
${uninspectedNote(before.ok ? before.data : undefined, after.ok ? after.data : undefined)}
${dataPart}
${soak.length ? soakPart(soak, soakSchema, options.soakWrites) : ''}`,
  );
}

function countRows(a: RowCountsData | undefined, b: RowCountsData | undefined): CountRow[] {
  const databases = [...new Set([...Object.keys(a?.databases ?? {}), ...Object.keys(b?.databases ?? {})])].sort();
  return databases.flatMap((database) => {
    const x = a?.databases[database]?.tables ?? {};
    const y = b?.databases[database]?.tables ?? {};
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().map((table) => {
      const row: CountRow = { database, table };
      if (x[table]) row.before = x[table];
      if (y[table]) row.after = y[table];
      const e0 = row.before?.exact;
      const e1 = row.after?.exact;
      if (typeof e0 === 'number' && typeof e1 === 'number') row.difference = e1 - e0;
      return row;
    });
  });
}

function uninspectedNote(a: RowCountsData | undefined, b: RowCountsData | undefined): string {
  const lines = [
    ...(a?.uninspected ?? []).map((u) => `before: database ${u.database} not inspected (${u.reason})`),
    ...(b?.uninspected ?? []).map((u) => `after: database ${u.database} not inspected (${u.reason})`),
  ];
  return lines.length ? noteHtml(lines.join('; ')) : '';
}

function countCell(t: TableRows | undefined): string {
  if (!t) return '<span class="muted">no such table</span>';
  if (typeof t.exact === 'number') return h(formatNumber(t.exact));
  const estimate = t.estimate ?? t.liveTuples;
  const value = estimate === null || estimate === undefined ? '<span class="muted">—</span>' : `≈${h(formatNumber(estimate))}`;
  return `${value}${t.skipped ? `<div class="muted">${h(t.skipped)}</div>` : ''}`;
}

function differenceCell(r: CountRow): string {
  if (r.difference === undefined) return '<span class="muted">—</span>';
  if (r.difference === 0) return '0';
  return `${r.difference > 0 ? '+' : '−'}${h(formatNumber(Math.abs(r.difference)))}`;
}

function rowClass(r: CountRow): string {
  if (!r.before) return 'rs-added';
  if (!r.after) return 'rs-removed';
  if (r.difference === undefined || r.difference === 0) return 'rs-same';
  return r.difference < 0 ? 'rs-drop' : 'rs-changed';
}

function countsTable(rows: CountRow[]): string {
  const databases = new Set(rows.map((r) => r.database));
  const dbColumn = databases.size > 1 || rows.some((r) => r.database === '');
  return `<table class="rs-table">
<thead><tr>${dbColumn ? '<th>Database</th>' : ''}<th>Table${dbColumn ? '' : ` <span class="muted">(database ${h([...databases][0] ?? '')})</span>`}</th><th class="num">Before</th><th class="num">After</th><th class="num">Difference</th></tr></thead>
<tbody>
${rows
  .map(
    (r) => `<tr class="${rowClass(r)}">${dbColumn ? `<td>${h(r.database)}</td>` : ''}<td class="mono">${h(r.table)}</td><td class="num">${countCell(r.before)}</td><td class="num">${countCell(r.after)}</td><td class="num">${differenceCell(r)}</td></tr>`,
  )
  .join('\n')}
</tbody>
</table>`;
}

function soakPart(rows: CountRow[], schema: string, writes: number | undefined): string {
  const grown = rows.reduce((sum, r) => sum + (r.difference ?? 0), 0);
  const ledger = writes === undefined ? '' : ` The soak's ledger confirms ${plural(writes, 'acknowledged write')} during the run.`;
  return `<h3>The soak's own tables (schema <span class="mono">${h(schema)}</span>)</h3>
<p class="rs-soak-note">These tables are written by the soak itself while the steps run. Their change (${h(`${grown >= 0 ? '+' : '−'}${formatNumber(Math.abs(grown))}`)} rows in all) is the soak's own writes, not drift in the application's data.${h(ledger)}</p>
${countsTable(rows)}`;
}
