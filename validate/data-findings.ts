import type { Finding, FindingInput } from '../checks/finding.js';
import type { TableResult, ValidationResult } from './result.js';
import { parseTypeLostNote } from './sqlite-plan.js';

/** The check id of data validation's findings: `data/<schema.table>/<kind>`, as gate allow-lists name them. */
export const DATA_CHECK_ID = 'data';

/**
 * The kinds of data finding. Differences fail (`missing`, `extra`, `changed`, `columns`,
 * `table-missing`); a table that could not be compared fails too (`error`, and `stopped` for a
 * run that ended part-way), since an unread table is no evidence of equal data; `type-lost` warns
 * (a SQLite column's declared type, BOOLEAN, DATETIME, JSON, UUID, REAL, not kept by its
 * PostgreSQL type, whatever its values); notes are `info` (`not-localised`: compared as a
 * multiset; `schema-note`: columns compared by value across types).
 */
export type DataFindingKind = 'missing' | 'extra' | 'changed' | 'columns' | 'table-missing' | 'error' | 'stopped' | 'type-lost' | 'not-localised' | 'schema-note';

/** Keys listed in a finding's details; the result holds up to its own cap, the counts are exact. */
const KEYS_IN_DETAILS = 10;

/** A note that a column is on one side only (validate/table-plan.ts words it so): a difference, not a remark. */
const ONE_SIDED_COLUMN = /^column .+ (is missing on the target|is only on the target): not compared$/;
/** The note of a table whose key is not on both sides; the `not-localised` finding says it. */
const MULTISET_NOTE = /compared as a multiset$/;

/** The kind of a data finding from its id (`data/<table>/<kind>`, `data/stopped`). */
export function dataFindingKind(finding: Pick<Finding, 'id'>): DataFindingKind | undefined {
  const kind = finding.id.slice(finding.id.lastIndexOf('/') + 1);
  return (['missing', 'extra', 'changed', 'columns', 'table-missing', 'error', 'stopped', 'type-lost', 'not-localised', 'schema-note'] as const).find((k) => k === kind);
}

/**
 * The findings of one validation, in table order: one per kind of difference of each table (with
 * the exact count and the first keys), one per table that could not be compared, and `info`
 * notes. A run that stopped part-way gives one `data/stopped` finding instead of one per table
 * it never reached.
 */
export function dataFindings(result: ValidationResult): Finding[] {
  const inputs: FindingInput[] = [];
  if (result.stopped) {
    const notReached = result.tables.filter(notReachedAfterStop).length;
    inputs.push({
      key: 'stopped',
      severity: 'fail',
      message: `the validation stopped before its end (${result.stopped.message.split('\n')[0]}): ${notReached} ${notReached === 1 ? 'table' : 'tables'} not compared`,
      details: { tablesNotCompared: notReached, error: result.stopped },
    });
  }
  for (const t of result.tables) inputs.push(...tableFindings(t, result.stopped !== undefined));
  return inputs.map((f) => ({ ...f, id: `${DATA_CHECK_ID}/${f.key}`, checkId: DATA_CHECK_ID, source: 'evaluate' }));
}

function notReachedAfterStop(t: TableResult): boolean {
  return t.status === 'error' && (t.reason ?? '').startsWith('not compared:');
}

function tableFindings(t: TableResult, stopped: boolean): FindingInput[] {
  const out: FindingInput[] = [];
  const add = (kind: DataFindingKind, severity: FindingInput['severity'], message: string, details: Record<string, unknown> = {}): void => {
    out.push({ key: `${t.table}/${kind}`, severity, message: `${t.table}: ${message}`, object: t.table, details });
  };
  if (t.status === 'missing') {
    add('table-missing', 'fail', t.reason ?? 'on one side only');
    return out;
  }
  if (t.status === 'error') {
    // The tables a stopped run did not finish (the one in flight too) are counted by `data/stopped`.
    if (stopped && notReachedAfterStop(t)) return out;
    add('error', 'fail', `not compared: ${t.reason ?? 'unknown reason'}`, { reason: t.reason, ...(t.error ? { error: t.error } : {}), notes: t.notes });
    return out;
  }
  const rows = { sourceRows: t.sourceRows, targetRows: t.targetRows };
  const keysOf = (list: { key: Record<string, string | null> }[]): Record<string, string | null>[] => list.slice(0, KEYS_IN_DETAILS).map((r) => r.key);
  const multiset = t.localised ? {} : { rows: t.multisetRows.slice(0, KEYS_IN_DETAILS).map((r) => ({ sourceCount: r.sourceCount, targetCount: r.targetCount })) };
  if (t.missing > 0) add('missing', 'fail', `${t.missing} ${rowsWord(t.missing)} of the source missing on the target`, { count: t.missing, ...rows, ...(t.localised ? { keys: keysOf(t.missingRows) } : multiset) });
  if (t.extra > 0) add('extra', 'fail', `${t.extra} ${rowsWord(t.extra)} on the target not on the source`, { count: t.extra, ...rows, ...(t.localised ? { keys: keysOf(t.extraRows) } : multiset) });
  if (t.changed > 0) {
    const columns = [...new Set(t.changedRows.flatMap((r) => r.columns.map((c) => c.column)))];
    add('changed', 'fail', `${t.changed} ${rowsWord(t.changed)} changed${columns.length ? ` (columns ${columns.join(', ')})` : ''}`, { count: t.changed, ...rows, columns, keys: keysOf(t.changedRows) });
  }
  const oneSided = t.notes.filter((n) => ONE_SIDED_COLUMN.test(n));
  if (oneSided.length > 0) add('columns', 'fail', oneSided.join('; '), { notes: oneSided });
  const lost = t.notes.flatMap((n) => parseTypeLostNote(n) ?? []);
  if (lost.length > 0) {
    const columns = lost.map((l) => ({ column: l.column, declared: l.declared, targetType: l.pgType, lost: l.lost }));
    add('type-lost', 'warn', `declared type not kept in PostgreSQL: ${lost.map((l) => `${l.column} (${l.declared} -> ${l.pgType}: ${l.lost})`).join('; ')}`, { columns });
  }
  if (!t.localised) add('not-localised', 'info', 'no primary key or unique NOT NULL index on both sides: compared as a multiset, differences not localised to keys');
  const remarks = t.notes.filter((n) => !ONE_SIDED_COLUMN.test(n) && !MULTISET_NOTE.test(n) && !parseTypeLostNote(n));
  if (remarks.length > 0) add('schema-note', 'info', remarks.join('; '), { notes: remarks });
  return out;
}

function rowsWord(n: number): string {
  return n === 1 ? 'row' : 'rows';
}
