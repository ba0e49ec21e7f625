import type { DataValidationRecord } from '../../run/manifest.js';
import { keyText, type TableResult, type ValidationResult } from '../../validate/result.js';
import { validationResultHtml, durationText } from '../data-result-html.js';
import { escapeHtml as h, escapeMarkdown as md } from '../escape.js';
import { noteHtml, plural, sectionHtml } from './section.js';

/** When in a step a validation ran, as the reader says it. */
const AT_LABEL: Record<DataValidationRecord['at'], string> = {
  switchover: 'at the switchover (writes stopped, green caught up)',
  'after-switchover': 'just after the switchover',
  'after-step': 'after the step',
  digests: 'per-range digests before and after (in place)',
};

/** Differences listed per table in summary.md; report.html lists what the result holds. */
const MD_KEYS = 5;

/**
 * Why a record of run.json's `data` cannot be rendered (a hand-edited or truncated file), or
 * undefined when it has what the renderers read.
 */
export function malformedDataRecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const r = value as Partial<DataValidationRecord>;
  const result = r.result as Partial<ValidationResult> | undefined;
  if (typeof result !== 'object' || result === null) return '"result" missing';
  const missing = [
    ...(['source', 'target', 'summary'] as const).filter((k) => typeof result[k] !== 'object' || result[k] === null),
    ...(Array.isArray(result.tables) ? [] : ['tables']),
    ...(typeof result.outcome === 'string' ? [] : ['outcome']),
  ];
  return missing.length ? `"result" has no ${missing.map((k) => `"${k}"`).join(', ')}` : undefined;
}

/** A record's heading: which step, which roles, when. */
export function dataRecordTitle(r: DataValidationRecord): string {
  return `${r.step !== undefined ? `Step ${r.step}: ` : ''}${r.source} → ${r.target}, ${AT_LABEL[r.at] ?? r.at}`;
}

/**
 * The report's "Data" section: each data validation of the run (run.json's `data`), with its
 * servers, totals, one row per table and, for each table that differs, its keys and a
 * column-by-column before and after.
 */
export function dataSectionHtml(records: readonly DataValidationRecord[]): string {
  if (records.length === 0) return sectionHtml('data', 'Data', noteHtml('The run validated no data.'));
  const blocks = records.map((r, i) => {
    const malformed = malformedDataRecord(r);
    if (malformed !== undefined) return noteHtml(`Data validation ${i + 1} of run.json cannot be shown: ${malformed}.`);
    return `<div class="dv-record" data-step="${h(r.step ?? '')}" data-at="${h(r.at)}">
<h3>${h(dataRecordTitle(r))}</h3>
${validationResultHtml(r.result, `dv${i}`)}
</div>`;
  });
  const intro = noteHtml('Rows compared per table inside each server through one canonical form per type (docs/validate.md); counts are exact, and the first differences of each kind are listed by key.');
  return sectionHtml('data', 'Data', `${intro}\n${blocks.join('\n')}`);
}

/** The lines of summary.md's "Data" part: per validation its totals, then the tables not equal with their first differences. */
export function dataSectionMarkdown(records: readonly DataValidationRecord[]): string {
  if (records.length === 0) return '';
  const out = ['## Data', ''];
  for (const [i, r] of records.entries()) {
    const malformed = malformedDataRecord(r);
    if (malformed !== undefined) {
      out.push(`Data validation ${i + 1} of run.json cannot be shown: ${md(malformed)}.`, '');
      continue;
    }
    out.push(...validationMarkdown(r.result, dataRecordTitle(r)));
  }
  return out.join('\n');
}

/** One validation in Markdown: its totals after a bold label, then a table of the tables not equal with their first differences. */
export function validationMarkdown(result: ValidationResult, label: string): string[] {
  const out = [`**${md(label)}:** ${resultLine(result)}`, ''];
  const notEqual = result.tables.filter((t) => t.status !== 'equal');
  if (notEqual.length > 0) {
    out.push('| Table | Result | Source rows | Target rows | Missing | Extra | Changed | First differences |', '|---|---|---:|---:|---:|---:|---:|---|');
    for (const t of notEqual) {
      const compared = t.status === 'different';
      const n = (v: number | undefined): string => (v === undefined ? '—' : v.toLocaleString('en-US'));
      out.push(`| ${md(t.table)} | ${t.status} | ${n(t.sourceRows)} | ${n(t.targetRows)} | ${compared ? n(t.missing) : '—'} | ${compared ? n(t.extra) : '—'} | ${compared ? n(t.changed) : '—'} | ${md(firstDifferences(t))} |`);
    }
    out.push('');
  }
  return out;
}

function resultLine(result: ValidationResult): string {
  const s = result.summary;
  const n = (v: number): string => v.toLocaleString('en-US');
  const stopped = result.stopped ? ` Stopped before its end: ${md(result.stopped.message.split('\n')[0])}.` : '';
  return (
    `${result.outcome.toUpperCase()}: ${plural(s.tables, 'table')} (${s.equal} equal, ${s.different} different, ${s.missing} on one side only, ${s.errors} not compared); ` +
    `rows ${n(s.sourceRows)} on the source, ${n(s.targetRows)} on the target, ${n(s.missingRows)} missing, ${n(s.extraRows)} extra, ${n(s.changedRows)} changed; ${durationText(result.durationMs)}.${stopped}`
  );
}


function valueText(v: { text: string | null; length?: number }): string {
  if (v.text === null) return 'NULL';
  const text = v.text.length > 60 ? `${v.text.slice(0, 60)}…` : v.text;
  return `${JSON.stringify(text)}${v.length !== undefined || v.text.length > 60 ? ` (${v.length ?? v.text.length} chars)` : ''}`;
}

/** The reason, or the first few differences of a table, on one line. */
function firstDifferences(t: TableResult): string {
  if (t.status === 'missing' || t.status === 'error') return t.reason ?? '';
  const items = [
    ...t.missingRows.map((r) => `missing ${keyText(r.key)}`),
    ...t.extraRows.map((r) => `extra ${keyText(r.key)}`),
    ...t.changedRows.map((r) => `changed ${keyText(r.key)}: ${r.columns.map((c) => `${c.column} ${valueText(c.source)} → ${valueText(c.target)}`).join('; ')}`),
    ...t.multisetRows.map((r) => `${r.sourceCount} on the source, ${r.targetCount} on the target: (${Object.entries(r.values).map(([k, v]) => `${k}=${valueText(v)}`).join(', ')})`),
  ];
  const total = t.localised ? t.missing + t.extra + t.changed : items.length;
  const notes = items.length === 0 ? t.notes : [];
  return [...items.slice(0, MD_KEYS), ...(total > MD_KEYS ? [`…and ${total - Math.min(items.length, MD_KEYS)} more`] : []), ...notes].join('; ');
}
