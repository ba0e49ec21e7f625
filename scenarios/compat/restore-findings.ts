import type { FindingInput } from '../../checks/finding.js';
import { type DumpSection, qualifiedName, sectionAt } from './dump-sections.js';
import type { PsqlMessage } from './psql-messages.js';

/** Check id of the findings about schema statements the target refused. */
export const RESTORE_CHECK_ID = 'compat.restore';

/** How much of a failing entry's SQL a finding keeps (the whole dump is in the artifacts). */
const MAX_SQL = 2_000;

/**
 * Findings from the messages of a schema restore: each ERROR is a `fail` naming the TOC entry
 * (type, schema, name) its statement belongs to, with the server's SQLSTATE, message, detail and
 * hint; a WARNING is a `warn`. Keys are stable across runs: `<type>:<schema.name>`, with `#2`...
 * for further failures of the same entry. An error about an object whose own entry failed
 * earlier says so (`causedBy`), so a reader starts from the first cause. A later statement of an
 * entry refused after its object was created (an `ALTER TABLE … ALTER COLUMN … SET (…)`) is named
 * as that statement, and the object as restored.
 */
export function restoreFindings(o: { sections: readonly DumpSection[]; messages: readonly PsqlMessage[]; dumpLines: readonly string[]; database: string }): FindingInput[] {
  const findings: FindingInput[] = [];
  const seen = new Map<string, number>();
  const failed: { section: DumpSection; key: string }[] = [];
  // Entries whose creating statement failed: their later statements fail because of it.
  const notCreated = new Set<DumpSection>();
  for (const m of o.messages) {
    if (m.level === 'NOTICE') continue;
    const section = sectionAt(o.sections, m.line) ?? o.sections[0];
    if (!section) continue;
    const object = qualifiedName(section);
    const base = `${section.type.toLowerCase().replace(/\s+/g, '-')}:${object}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n === 1 ? base : `${base}#${n}`;
    const statement = statementAt(o.dumpLines, section, m.line);
    // A later statement of an entry (an `ALTER TABLE … ALTER COLUMN … SET (…)` in a TABLE entry)
    // refused while the object itself was created: the finding names that statement, not the object.
    const laterStatement = statement !== undefined && /^ALTER\s/i.test(statement.text) && statement.startLine > firstStatementLine(o.dumpLines, section) && !notCreated.has(section);
    // The first failure of an entry usually dooms its later statements (ALTER ... OWNER of a table never created).
    const cause =
      m.level !== 'ERROR'
        ? undefined
        : ((laterStatement ? undefined : failed.find((f) => f.section === section)) ?? failed.find((f) => f.section !== section && mentions(m.message, f.section)));
    const details: Record<string, unknown> = {
      database: o.database,
      type: section.type,
      schema: section.schema,
      name: section.name,
      owner: section.owner,
      line: m.line,
      ...(m.sqlState ? { sqlState: m.sqlState } : {}),
      error: m.message,
      ...(m.detail ? { detail: m.detail } : {}),
      ...(m.hint ? { hint: m.hint } : {}),
      ...(m.context ? { context: m.context } : {}),
      ...(m.position ? { position: m.position } : {}),
      ...(cause ? { causedBy: cause.key } : {}),
      ...(statement ? { statement: statement.text } : {}),
      sql: entrySql(o.dumpLines, section),
    };
    const what = `${section.type} ${object}`;
    if (m.level === 'WARNING') {
      findings.push({ key, severity: 'warn', message: `${what}: the target warned: ${m.message}`, object, details });
      continue;
    }
    const state = m.sqlState ? ` [${m.sqlState}]` : '';
    const after = !cause ? '' : cause.section === section ? ' (follows from its first failure)' : ` (follows from ${cause.section.type} ${qualifiedName(cause.section)})`;
    const message = laterStatement
      ? `${what}: the target refused ${shortStatement(statement.text)}${state}: ${m.message}${after} (the ${section.type.toLowerCase()} itself restored)`
      : `${what} does not restore on the target${state}: ${m.message}${after}`;
    findings.push({ key, severity: 'fail', message, object, details });
    if (!laterStatement) notCreated.add(section);
    failed.push({ section, key });
  }
  return findings;
}

/** Whether an error message names the object of an entry (`relation "public.items"`, `type "public.vector"`). */
function mentions(message: string, section: DumpSection): boolean {
  const bare = section.name.replace(/\(.*$/, '');
  if (section.schema !== '-' && message.includes(`${section.schema}.${bare}`)) return true;
  // Objects outside a schema (an extension) are named by what they created: `public.vector`.
  return section.type === 'EXTENSION' && new RegExp(`[."]${escapeRegExp(bare)}(?![\\w$])`).test(message);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first line of an entry's SQL (after its header comment): the statement that creates the object. */
function firstStatementLine(lines: readonly string[], section: DumpSection): number {
  for (let line = section.startLine; line <= section.endLine; line++) {
    const text = lines[line - 1] ?? '';
    if (text.trim() !== '' && !text.startsWith('--')) return line;
  }
  return section.endLine;
}

/**
 * The statement of an entry that ends on `line` (psql reports the line a statement ends on), from
 * its first line: pg_dump puts a blank line between statements (never a `;`, which a function
 * body holds too), so a statement starts after the nearest blank line above.
 */
function statementAt(lines: readonly string[], section: DumpSection, line: number): { startLine: number; text: string } | undefined {
  if (line < section.startLine || line > section.endLine || line > lines.length) return undefined;
  let start = line;
  while (start - 1 >= section.startLine) {
    const previous = lines[start - 2] ?? '';
    if (previous.trim() === '' || previous.startsWith('--')) break;
    start--;
  }
  const text = lines
    .slice(start - 1, line)
    .map((l) => l.trim())
    .join(' ')
    .trim();
  return text ? { startLine: start, text } : undefined;
}

/** A statement for a one-line message: `ALTER TABLE ONLY public.t ALTER COLUMN c SET (n_distinct=…)`, cut at 160 characters. */
function shortStatement(text: string): string {
  const bare = text.replace(/;$/, '');
  return `\`${bare.length > 160 ? `${bare.slice(0, 160)}…` : bare}\``;
}

function entrySql(lines: readonly string[], section: DumpSection): string {
  const body = lines
    .slice(section.startLine - 1, section.endLine)
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .trim();
  return body.length > MAX_SQL ? `${body.slice(0, MAX_SQL)}\n…` : body;
}
