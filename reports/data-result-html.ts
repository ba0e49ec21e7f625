import { sideEngine, sidePlace } from '../validate/result.js';
import type { ErrorInfo } from '../core/errors.js';
import type { ChangedRow, KeyedRow, MultisetRow, TableResult, ValidationResult } from '../validate/result.js';
import { escapeHtml as h } from './escape.js';
import { errorRecordHtml } from './html-error.js';
import { plural } from './sections/section.js';
import { changedValuesHtml, DATA_VALUE_CSS, keyHtml, shownValueHtml } from './data-value-html.js';

/** Above this many tables only the ones not equal stay open; all of them are in a collapsed table. */
const OPEN_ROWS = 50;

/** A duration as people read it: `35 ms`, `1.2 s`, `2 min 5 s`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function count(n: number | undefined): string {
  return n === undefined ? '<span class="muted">—</span>' : h(n.toLocaleString('en-US'));
}

const STATUS_LABEL: Record<TableResult['status'], string> = { equal: 'equal', different: 'different', missing: 'one side only', error: 'not compared' };

/** An error of the engine (ErrorInfo) as the report's error record: first line, and the rest folded. */
function errorHtml(e: ErrorInfo): string {
  const [first = '', ...rest] = e.message.split('\n');
  return errorRecordHtml({ ...e, message: first, ...(rest.length ? { full: e.message } : {}) });
}

/**
 * One validation as HTML (everything from a database escaped): the servers, the totals, one row
 * per table (rows on each side, missing, extra, changed, time), then for each table that is not
 * equal its notes, the keys of its differences and a column-by-column before/after of its
 * changed rows. `idPrefix` keeps anchors apart when a page shows several validations.
 */
export function validationResultHtml(result: ValidationResult, idPrefix = 'dv'): string {
  const s = result.summary;
  const notEqual = result.tables.filter((t) => t.status !== 'equal');
  const anchors = new Map(notEqual.map((t, i) => [t, `${idPrefix}-t${i}`]));
  const servers = `<p class="dv-servers"><b>Source</b> ${h(sideEngine(result.source))} <span class="muted">(${h(sidePlace(result.source))})</span> → <b>Target</b> ${h(sideEngine(result.target))} <span class="muted">(${h(sidePlace(result.target))})</span></p>`;
  const totals = `<p class="dv-totals" data-outcome="${h(result.outcome)}"><span class="badge dv-outcome-${h(result.outcome)}">${h(result.outcome.toUpperCase())}</span> ${h(plural(s.tables, 'table'))}: ${s.equal} equal, ${s.different} different, ${s.missing} on one side only, ${s.errors} not compared. Rows: ${count(s.sourceRows)} on the source, ${count(s.targetRows)} on the target; <b>${count(s.missingRows)}</b> missing on the target, <b>${count(s.extraRows)}</b> extra, <b>${count(s.changedRows)}</b> changed. Started ${h(result.startedAt)}, took ${h(durationText(result.durationMs))}.</p>`;
  const notes = (result.notes ?? []).length ? `<ul class="dv-notes">${(result.notes ?? []).map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '';
  const stopped = result.stopped ? `<div class="dv-stopped"><b>The validation stopped before its end; the results below are partial.</b> ${errorHtml(result.stopped)}</div>` : '';
  const table = result.tables.length === 0
    ? '<p class="muted">No table was selected.</p>'
    : result.tables.length <= OPEN_ROWS
      ? tablesHtml(result.tables, anchors)
      : `${notEqual.length ? tablesHtml(notEqual, anchors) : '<p class="muted">Every table is equal.</p>'}
<details class="rs-all"><summary>All ${result.tables.length.toLocaleString('en-US')} tables</summary>
${tablesHtml(result.tables, anchors)}
</details>`;
  return `<div class="dv-result">
${servers}
${totals}
${notes}
${stopped}
${table}
${notEqual.map((t) => tableDetailHtml(t, anchors.get(t) ?? '')).join('\n')}
</div>`;
}

function tablesHtml(tables: TableResult[], anchors: Map<TableResult, string>): string {
  return `<table class="dv-tables">
<thead><tr><th>Table</th><th>Result</th><th>Key</th><th class="num">Source rows</th><th class="num">Target rows</th><th class="num">Missing</th><th class="num">Extra</th><th class="num">Changed</th><th class="num">Time</th></tr></thead>
<tbody>
${tables
  .map((t) => {
    const anchor = anchors.get(t);
    // An equal table has no block of its own: its notes (a column compared by value across types) go under its name.
    const notes = !anchor && t.notes.length ? `<div class="dv-row-notes">${t.notes.map((n) => h(n)).join('<br>')}</div>` : '';
    const name = anchor ? `<a href="#${h(anchor)}">${h(t.table)}</a>` : `${h(t.table)}${notes}`;
    const key = t.key.length ? h(t.key.join(', ')) : t.status === 'equal' || t.status === 'different' ? '<span class="muted">none: multiset</span>' : '';
    const compared = t.status === 'equal' || t.status === 'different';
    return `<tr class="dv-${h(t.status)}" data-table="${h(t.table)}" data-status="${h(t.status)}"><td class="mono">${name}</td><td><span class="badge dv-status-${h(t.status)}">${h(STATUS_LABEL[t.status])}</span></td><td class="mono">${key}</td><td class="num">${count(t.sourceRows)}</td><td class="num">${count(t.targetRows)}</td><td class="num">${compared ? count(t.missing) : ''}</td><td class="num">${compared ? count(t.extra) : ''}</td><td class="num">${compared ? count(t.changed) : ''}</td><td class="num">${h(durationText(t.durationMs))}</td></tr>`;
  })
  .join('\n')}
</tbody>
</table>`;
}

/** One table that is not equal: why, its notes, its differences. */
function tableDetailHtml(t: TableResult, anchor: string): string {
  const parts: string[] = [];
  // The error's first line is usually the reason itself: shown once, with the error's SQLSTATE and detail folded under it.
  const error = t.status === 'error' ? t.error : undefined;
  if (t.reason && t.reason !== error?.message.split('\n')[0]) parts.push(`<p>${h(t.reason)}</p>`);
  if (error) parts.push(`<div class="dv-error">${errorHtml(error)}</div>`);
  if (t.notes.length) parts.push(`<ul class="dv-notes">${t.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`);
  if (t.status === 'different' && !t.localised) parts.push('<p class="muted">No primary key or unique NOT NULL index on both sides: compared as a multiset, so differences are distinct rows and their counts on each side, not keys.</p>');
  if (t.localised) {
    parts.push(keysHtml('Missing on the target', 'dv-missing-rows', t.missingRows, t.missing));
    parts.push(keysHtml('Extra on the target', 'dv-extra-rows', t.extraRows, t.extra));
    parts.push(changedHtml(t.changedRows, t.changed));
  } else {
    parts.push(multisetHtml(t.multisetRows, t.missing + t.extra));
  }
  return `<div class="dv-table" id="${h(anchor)}" data-table="${h(t.table)}">
<h4><span class="mono">${h(t.table)}</span> <span class="badge dv-status-${h(t.status)}">${h(STATUS_LABEL[t.status])}</span></h4>
${parts.filter(Boolean).join('\n')}
</div>`;
}

function moreHtml(listed: number, total: number): string {
  return total > listed ? `<p class="muted">…and ${(total - listed).toLocaleString('en-US')} more not listed (the count is exact; the result lists the first ${listed.toLocaleString('en-US')}).</p>` : '';
}

function keysHtml(title: string, cls: string, rows: KeyedRow[], total: number): string {
  if (total === 0) return '';
  return `<h5>${h(title)}: ${h(total.toLocaleString('en-US'))}</h5>
<ul class="dv-keys ${cls}">${rows.map((r) => `<li>${keyHtml(r.key)}</li>`).join('')}</ul>
${moreHtml(rows.length, total)}`;
}

function changedHtml(rows: ChangedRow[], total: number): string {
  if (total === 0) return '';
  const body = rows.flatMap((r) => {
    const columns = r.columns.length ? r.columns : [undefined];
    return columns.map((c, i) => {
      const keyCell = i === 0 ? `<td class="dv-key" rowspan="${columns.length}">${keyHtml(r.key)}</td>` : '';
      if (!c) return `<tr>${keyCell}<td colspan="3" class="muted">the row's hash differs, but no column was read back as different</td></tr>`;
      const v = changedValuesHtml(c.source, c.target);
      return `<tr>${keyCell}<td class="mono">${h(c.column)}</td><td class="dv-before">${v.source}</td><td class="dv-after">${v.target}</td></tr>`;
    });
  });
  return `<h5>Changed: ${h(total.toLocaleString('en-US'))}</h5>
<table class="dv-changed"><thead><tr><th>Key</th><th>Column</th><th>Source (before)</th><th>Target (after)</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>
${moreHtml(rows.length, total)}`;
}

function multisetHtml(rows: MultisetRow[], total: number): string {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  return `<h5>Rows whose number differs: ${h(total.toLocaleString('en-US'))} in all</h5>
<table class="dv-multiset"><thead><tr>${columns.map((c) => `<th class="mono">${h(c)}</th>`).join('')}<th class="num">On the source</th><th class="num">On the target</th></tr></thead>
<tbody>
${rows.map((r) => `<tr>${columns.map((c) => `<td>${r.values[c] ? shownValueHtml(r.values[c]) : ''}</td>`).join('')}<td class="num">${h(r.sourceCount)}</td><td class="num">${h(r.targetCount)}</td></tr>`).join('\n')}
</tbody></table>`;
}

/** The stylesheet of a validation's HTML; appended to the report's. */
export const DATA_RESULT_CSS = `${DATA_VALUE_CSS}
.dv-tables tr.dv-different td, .dv-tables tr.dv-missing td { background: #ffebe9; }
.dv-tables tr.dv-error td { background: #fff8c5; }
.dv-status-equal, .dv-outcome-equal { background: #dafbe1; color: #1a7f37; }
.dv-status-different, .dv-status-missing, .dv-outcome-different { background: #ffebe9; color: #cf222e; }
.dv-status-error, .dv-outcome-incomplete { background: #fff8c5; color: #9a6700; }
.dv-table { border: 1px solid #d0d7de; border-radius: .4rem; padding: .1rem .8rem .5rem; margin: 1rem 0; }
.dv-table h4 { margin: .6rem 0 .3rem; font-size: 1rem; }
.dv-table h5 { margin: .7rem 0 .25rem; font-size: .9rem; }
.dv-keys { margin: .2rem 0; padding-left: 1.2rem; columns: 2; }
.dv-notes { margin: .2rem 0; padding-left: 1.2rem; color: #57606a; }
.dv-changed td.dv-before { background: #fff5f5; width: 35%; }
.dv-changed td.dv-after { background: #f0fff4; width: 35%; }
.dv-changed td.dv-key { vertical-align: top; }
.dv-stopped { background: #fff8c5; border-left: 3px solid #9a6700; padding: .4rem .7rem; margin: .5rem 0; }
.dv-record { margin: 0 0 1.5rem; }
.dv-row-notes { font-family: system-ui, sans-serif; font-size: 11.5px; color: #57606a; }
.dv-record h3 { margin-bottom: .2rem; }
@media print { .dv-table, .dv-tables tr { break-inside: avoid; } }
`;
