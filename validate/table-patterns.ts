import { CutoverError } from '../core/errors.js';

/**
 * A `--tables`/`--exclude` pattern: `schema.table` with `*` and `?` wildcards; without a dot it
 * names a table in any schema. Matching is exact otherwise (case-sensitive, as identifiers are
 * stored).
 */
export interface TablePattern {
  text: string;
  matches(schema: string, table: string): boolean;
}

function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** Parses one pattern; `option` names the flag in the error. */
export function parseTablePattern(text: string, option: string): TablePattern {
  const parts = text.split('.');
  if (text.trim() === '' || parts.length > 2 || parts.some((p) => p === '')) {
    throw new CutoverError('usage', `${option}: expected schema.table or table (with * and ? wildcards), got "${text}"`);
  }
  const [first = '', second] = parts;
  const schema = second === undefined ? undefined : globRegExp(first);
  const table = globRegExp(second ?? first);
  return { text, matches: (s, t) => (schema ? schema.test(s) : true) && table.test(t) };
}

/** Parses every pattern of a flag. */
export function parseTablePatterns(texts: readonly string[] | undefined, option: string): TablePattern[] {
  return (texts ?? []).map((t) => parseTablePattern(t, option));
}
