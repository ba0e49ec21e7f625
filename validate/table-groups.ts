import { CutoverError } from '../core/errors.js';
import { parseTablePattern, type TablePattern } from './table-patterns.js';

/**
 * Columns that group the rows of a table without a key (`--group-by TABLE=COLUMN[,COLUMN…]`):
 * its rows are bucketed and matched by these columns' values instead of by their whole content,
 * so that a changed row is one change in its group (with the columns that differ, when the group
 * holds one row on each side) rather than a distinct row missing and another extra.
 */
export interface TableGroup {
  pattern: TablePattern;
  columns: string[];
  /** The text given, for errors. */
  text: string;
}

/** Parses `TABLE=COLUMN[,COLUMN…]` (TABLE as in --tables); `option` names the flag or field in errors. */
export function parseTableGroup(text: string, option: string): TableGroup {
  const at = text.indexOf('=');
  const columns = at < 0 ? [] : text.slice(at + 1).split(',').map((c) => c.trim());
  if (at <= 0 || columns.length === 0 || columns.some((c) => c === '')) {
    throw new CutoverError('usage', `${option}: expected TABLE=COLUMN[,COLUMN...] (e.g. public.events=account_id,day), got "${text}"`);
  }
  return { pattern: parseTablePattern(text.slice(0, at), option), columns, text };
}

export function parseTableGroups(texts: readonly string[] | undefined, option: string): TableGroup[] {
  return (texts ?? []).map((t) => parseTableGroup(t, option));
}
