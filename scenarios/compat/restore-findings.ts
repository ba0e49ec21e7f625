import type { FindingInput } from '../../reports/finding.js';
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
 * earlier says so (`causedBy`), so a reader starts from the first cause.
 */
export function restoreFindings(o: { sections: readonly DumpSection[]; messages: readonly PsqlMessage[]; dumpLines: readonly string[]; database: string }): FindingInput[] {
  const findings: FindingInput[] = [];
  const seen = new Map<string, number>();
  const failed: { section: DumpSection; key: string }[] = [];
  for (const m of o.messages) {
    if (m.level === 'NOTICE') continue;
    const section = sectionAt(o.sections, m.line) ?? o.sections[0];
    if (!section) continue;
    const object = qualifiedName(section);
    const base = `${section.type.toLowerCase().replace(/\s+/g, '-')}:${object}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const key = n === 1 ? base : `${base}#${n}`;
    // The first failure of an entry usually dooms its later statements (ALTER ... OWNER of a table never created).
    const cause =
      m.level !== 'ERROR' ? undefined : (failed.find((f) => f.section === section) ?? failed.find((f) => mentions(m.message, f.section)));
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
      sql: entrySql(o.dumpLines, section),
    };
    const what = `${section.type} ${object}`;
    if (m.level === 'WARNING') {
      findings.push({ key, severity: 'warn', message: `${what}: the target warned: ${m.message}`, object, details });
      continue;
    }
    const state = m.sqlState ? ` [${m.sqlState}]` : '';
    const after = !cause ? '' : cause.section === section ? ' (follows from its first failure)' : ` (follows from ${cause.section.type} ${qualifiedName(cause.section)})`;
    findings.push({ key, severity: 'fail', message: `${what} does not restore on the target${state}: ${m.message}${after}`, object, details });
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

function entrySql(lines: readonly string[], section: DumpSection): string {
  const body = lines
    .slice(section.startLine - 1, section.endLine)
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .trim();
  return body.length > MAX_SQL ? `${body.slice(0, MAX_SQL)}\n…` : body;
}
