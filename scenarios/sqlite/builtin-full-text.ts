import type { SqliteFullText } from '../../core/sqlite-catalog.js';
import type { SqliteFile } from '../../core/sqlite-file.js';
import { quoteIdent } from '../../validate/sql-ident.js';
import type { LoadTable } from './builtin-table-load.js';

/** An FTS table over a base table (`content=`), as PostgreSQL rebuilds it: a GIN index over the same columns. */
export interface FullTextPlan {
  /** The FTS table's name in the file. */
  name: string;
  /** The base table (its `content=` option). */
  table: string;
  columns: string[];
}

/**
 * The FTS tables that index another table of the file (external content), read from their
 * CREATE VIRTUAL TABLE; the others (holding their own text, or contentless) are returned with the
 * reason they are not rebuilt.
 */
export function planFullText(file: SqliteFile, fullText: readonly SqliteFullText[]): { plans: FullTextPlan[]; skipped: { name: string; reason: string }[] } {
  const plans: FullTextPlan[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const f of fullText) {
    const row = file.db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).get(f.name) as { sql: string | null } | undefined;
    const args = /\bUSING\s+\w+\s*\((.*)\)\s*;?\s*$/is.exec(row?.sql ?? '')?.[1];
    if (args === undefined) {
      skipped.push({ name: f.name, reason: 'its declaration could not be read' });
      continue;
    }
    const options = new Map<string, string>();
    const columns: string[] = [];
    for (const arg of splitArguments(args)) {
      const option = /^(\w+)\s*=\s*(.*)$/s.exec(arg);
      if (option) options.set(option[1]!.toLowerCase(), unquote(option[2]!.trim()));
      // An UNINDEXED column (FTS5) is stored, not searched; FTS4's notindexed= names them as an option.
      else if (!/\bUNINDEXED\s*$/i.test(arg)) columns.push(unquote(arg.trim().split(/\s+/)[0] ?? ''));
    }
    const content = options.get('content');
    if (content === undefined) skipped.push({ name: f.name, reason: 'it holds its own copy of the text (no content= table): not copied' });
    else if (content === '') skipped.push({ name: f.name, reason: 'it is contentless (content=\'\'): the text is not in the file' });
    else plans.push({ name: f.name, table: content, columns: columns.filter((c) => c !== '') });
  }
  return { plans, skipped };
}

/** A full-text table of the file as PostgreSQL has it: a GIN index on its base table. */
export interface RebuiltFullText {
  /** The FTS table's name in the file. */
  name: string;
  /** The PostgreSQL index made for it. */
  index: string;
  /** The table it indexes. */
  table: string;
  /** The tsvector expression a query repeats to use the index (fullTextExpression). */
  expression: string;
}

/** The GIN indexes to make for the plans whose base table and columns were loaded; the others logged. */
export function rebuiltFullText(plans: readonly FullTextPlan[], tables: readonly LoadTable[], log: (line: string) => void): RebuiltFullText[] {
  return plans.flatMap((f) => {
    const base = tables.find((t) => t.name === f.table) ?? tables.find((t) => t.name.toLowerCase() === f.table.toLowerCase());
    const missing = f.columns.filter((c) => !base?.columns.some((x) => x.name === c));
    const problem = !base ? `its content table ${f.table} was not loaded` : f.columns.length === 0 ? 'it indexes no column' : missing.length > 0 ? `${base.name} has no column ${missing.join(', ')}` : undefined;
    if (!base || problem) {
      log(`${f.name}: full-text index not rebuilt: ${problem}`);
      return [];
    }
    const columns = f.columns.map((name) => ({ name, text: base.columns.find((x) => x.name === name)?.kind === 'text' }));
    return [{ name: f.name, index: `${f.name}_idx`, table: base.name, expression: fullTextExpression(columns) }];
  });
}

/**
 * The tsvector a query must repeat, word for word, for PostgreSQL to use the index:
 * `to_tsvector('simple', coalesce(a,'') || ' ' || coalesce(b,''))` (a column not of a text type
 * cast to text). The `simple` configuration folds case and stems nothing, as FTS5's default
 * tokenizer does; unlike it, it keeps accents (FTS5's `remove_diacritics`).
 */
export function fullTextExpression(columns: readonly { name: string; text: boolean }[]): string {
  return `to_tsvector('simple', ${columns.map((c) => `coalesce(${quoteIdent(c.name)}${c.text ? '' : '::text'}, '')`).join(` || ' ' || `)})`;
}

/** Splits `a, b, content='x,y'` at top-level commas, quotes and parentheses respected. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let depth = 0;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      quote = ch === '[' ? ']' : ch;
      current += ch;
    } else if (ch === '(') {
      depth++;
      current += ch;
    } else if (ch === ')') {
      depth--;
      current += ch;
    } else if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** An SQL-quoted name or string as its text (a doubled quote inside as one). */
function unquote(text: string): string {
  const m = /^(['"`])(.*)\1$/s.exec(text);
  if (m) return m[2]!.replaceAll(`${m[1]}${m[1]}`, m[1]!);
  const b = /^\[(.*)\]$/s.exec(text);
  return b ? b[1]! : text;
}
