/**
 * One TOC entry of a plain-format dump, as pg_dump announces it in the comment above its SQL
 * (`-- Name: items; Type: TABLE; Schema: public; Owner: app`), with the lines it spans.
 */
export interface DumpSection {
  /** `TABLE`, `VIEW`, `FUNCTION`, `EXTENSION`, `CONSTRAINT`, `INDEX`, `ACL`... or `PREAMBLE` before the first entry. */
  type: string;
  /** `-` for objects outside a schema (extensions, languages). */
  schema: string;
  /** As pg_dump writes it: `items`, `cfun(integer)`, `items items_pkey` (table and constraint), `TABLE items` (ACL). */
  name: string;
  owner: string;
  /** First line (1-based) of the entry's header comment. */
  startLine: number;
  /** Last line of the entry (the line before the next header). */
  endLine: number;
}

const HEADER = /^-- Name: (.*); Type: (.*?); Schema: (.*?); Owner: ?(.*)$/;

/** Splits a plain-format dump into its TOC entries, so a line number names the object it belongs to. */
export function dumpSections(sql: string): DumpSection[] {
  const lines = sql.split('\n');
  const sections: DumpSection[] = [{ type: 'PREAMBLE', schema: '-', name: 'session settings', owner: '', startLine: 1, endLine: lines.length }];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i] ?? '');
    // A header is a comment line between two `--` lines; an object's own SQL cannot look like that.
    if (!m || lines[i - 1] !== '--' || lines[i + 1] !== '--') continue;
    const startLine = i; // the `--` above, 1-based
    const previous = sections[sections.length - 1];
    if (previous) previous.endLine = startLine - 1;
    sections.push({ type: m[2] ?? '', schema: m[3] ?? '', name: m[1] ?? '', owner: m[4] ?? '', startLine, endLine: lines.length });
  }
  return sections;
}

/** The section holding a line (psql reports the line a failing statement ends on). */
export function sectionAt(sections: readonly DumpSection[], line: number): DumpSection | undefined {
  let found: DumpSection | undefined;
  for (const s of sections) {
    if (s.startLine <= line) found = s;
    else break;
  }
  return found;
}

/** `public.items`, or `vector` for an object outside a schema. */
export function qualifiedName(section: Pick<DumpSection, 'schema' | 'name'>): string {
  return section.schema && section.schema !== '-' ? `${section.schema}.${section.name}` : section.name;
}
