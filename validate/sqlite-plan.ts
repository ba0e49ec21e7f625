import { affinityOf, type SqliteCatalog, type SqliteTable } from '../core/sqlite-catalog.js';
import type { Catalog, CatalogTable } from './catalog.js';
import { portableForm, type DatetimeEncoding, type PortableForm } from './sqlite-forms.js';
import type { TablePattern } from './table-patterns.js';

/** A SQLite column paired with a PostgreSQL column, and the form both are compared in. */
export interface CrossColumn {
  /** The SQLite column's name (what SQLite rows are keyed by). */
  sqlite: string;
  /** The PostgreSQL column's name (pgloader folds names to lower case). */
  pg: string;
  pgType: string;
  form: PortableForm;
}

/** A SQLite table and the PostgreSQL table it was loaded into. */
export interface CrossTablePlan {
  sqlite: SqliteTable;
  pg: CatalogTable;
  columns: CrossColumn[];
  /** Key columns, as indexes into `columns`; empty: compared as a multiset. */
  key: number[];
  notes: string[];
}

export interface CrossUnplanned {
  name: string;
  schema: string;
  status: 'missing' | 'error';
  reason: string;
}

export interface CrossPlan {
  tables: CrossTablePlan[];
  unplanned: CrossUnplanned[];
  /** Full-text indexes of the file: rebuilt in PostgreSQL, not copied, so not compared. */
  rebuilt: string[];
}

export interface CrossPlanOptions {
  /** The PostgreSQL schema the file was loaded into. */
  schema: string;
  include: readonly TablePattern[];
  exclude: readonly TablePattern[];
  /** How numbers in a column read as timestamps or dates are encoded, per `table.column`; default unix seconds. */
  datetime?: Readonly<Record<string, DatetimeEncoding>>;
}

/**
 * Pairs each SQLite table with the PostgreSQL table of the same name in `schema` (exactly, else
 * ignoring case) and each of its columns likewise; each pair is compared in the portable form of
 * the PostgreSQL column's type. A column whose type has no portable form makes its table an error
 * (named, never skipped); one on a side only is a note and makes the table different. A column
 * whose declared type's intent the PostgreSQL type lost (`lostIntent`) gets a `type lost` note,
 * whatever its values. A full-text index's shadow tables copied into PostgreSQL are named as such.
 */
export function planCrossValidation(sqlite: SqliteCatalog, pg: Catalog, o: CrossPlanOptions): CrossPlan {
  const selected = (name: string): boolean => (o.include.length === 0 || o.include.some((p) => p.matches(o.schema, name))) && !o.exclude.some((p) => p.matches(o.schema, name));
  const pgTables = pg.tables.filter((t) => t.schema === o.schema);
  const plan: CrossPlan = { tables: [], unplanned: [], rebuilt: sqlite.fullText.map((f) => f.name) };
  const paired = new Set<CatalogTable>();
  for (const s of sqlite.tables.filter((t) => selected(t.name))) {
    const t = byName(pgTables, s.name, (x) => x.name);
    if (!t) {
      plan.unplanned.push({ schema: o.schema, name: s.name, status: 'missing', reason: `missing in PostgreSQL (no table ${s.name} in schema ${o.schema})` });
      continue;
    }
    paired.add(t);
    const planned = planTable(s, t, pg, o);
    if ('reason' in planned) plan.unplanned.push(planned);
    else plan.tables.push(planned);
  }
  // A loader that copies every table of the file (pgloader does) brings a full-text index's shadow tables along.
  const shadows = new Map(sqlite.fullText.flatMap((f) => f.shadowTables.map((s) => [s.toLowerCase(), f] as const)));
  for (const t of pgTables) {
    if (!paired.has(t) && selected(t.name) && !plan.rebuilt.some((f) => f.toLowerCase() === t.name.toLowerCase())) {
      const index = shadows.get(t.name.toLowerCase());
      const reason = index
        ? `only in PostgreSQL: a copy of a shadow table of the file's full-text index ${index.name} (${index.module}), SQLite's internal index data, not the app's; drop it`
        : 'only in PostgreSQL (no such table in the SQLite file)';
      plan.unplanned.push({ schema: o.schema, name: t.name, status: 'missing', reason });
    }
  }
  return plan;
}

function byName<T>(items: readonly T[], name: string, nameOf: (t: T) => string): T | undefined {
  return items.find((x) => nameOf(x) === name) ?? items.find((x) => nameOf(x).toLowerCase() === name.toLowerCase());
}

function planTable(s: SqliteTable, t: CatalogTable, pg: Catalog, o: CrossPlanOptions): CrossTablePlan | CrossUnplanned {
  const notes: string[] = [];
  const problems: string[] = [];
  const columns: CrossColumn[] = [];
  const used = new Set<string>();
  for (const c of s.columns.filter((x) => !x.generated)) {
    const pc = byName(t.columns, c.name, (x) => x.name);
    if (!pc) {
      notes.push(`column ${c.name} is not in PostgreSQL: not compared`);
      continue;
    }
    used.add(pc.name);
    const type = pg.types(pc.typeOid);
    const pgType = pc.declared;
    const datetime = o.datetime?.[`${s.name}.${c.name}`];
    const form = portableForm(type?.typtype === 'd' ? (type.name ?? pgType) : pgType, datetime ? { datetime } : {});
    if (!form) {
      problems.push(`column ${c.name}: ${pgType} in PostgreSQL has no comparison with SQLite values yet`);
      continue;
    }
    if (pc.name !== c.name) notes.push(`column ${c.name} is ${pc.name} in PostgreSQL`);
    const lost = lostIntent(c.declared, type?.typtype === 'd' ? (type.name ?? pgType) : pgType);
    if (lost) notes.push(typeLostNote({ column: c.name, declared: c.declared, pgType, lost }));
    columns.push({ sqlite: c.name, pg: pc.name, pgType, form });
  }
  for (const pc of t.columns) if (!used.has(pc.name)) notes.push(`column ${pc.name} is only in PostgreSQL: not compared`);
  if (problems.length > 0) return { schema: t.schema, name: t.name, status: 'error', reason: problems.join('; ') };
  const index = (names: readonly string[], of: (c: CrossColumn) => string): number[] | undefined => {
    const found = names.map((n) => columns.findIndex((c) => of(c) === n));
    return found.length > 0 && found.every((i) => i >= 0) ? found : undefined;
  };
  const key = index(s.key, (c) => c.sqlite) ?? index(t.key, (c) => c.pg) ?? [];
  if (key.length === 0) notes.push('no key in SQLite or PostgreSQL: compared as a multiset');
  if (s.name !== t.name) notes.push(`table ${s.name} is ${t.name} in PostgreSQL`);
  return { sqlite: s, pg: t, columns, key, notes };
}

/** A column whose declared SQLite type states an intent its PostgreSQL type does not keep. */
export interface TypeLost {
  /** The SQLite column's name. */
  column: string;
  /** Its declared type, as written in the file. */
  declared: string;
  /** The PostgreSQL column's type (format_type's name). */
  pgType: string;
  /** What was lost, in words (`datetimes kept as numbers`). */
  lost: string;
}

const TYPE_LOST_NOTE = /^column (.+?): declared (.+?) in SQLite, (.+?) in PostgreSQL: type lost, (.+)$/s;

/** The table note of a lost type; `parseTypeLostNote` reads it back (validate/data-findings.ts). */
export function typeLostNote(t: TypeLost): string {
  return `column ${t.column}: declared ${t.declared} in SQLite, ${t.pgType} in PostgreSQL: type lost, ${t.lost}`;
}

export function parseTypeLostNote(note: string): TypeLost | undefined {
  const m = TYPE_LOST_NOTE.exec(note);
  return m ? { column: m[1] ?? '', declared: m[2] ?? '', pgType: m[3] ?? '', lost: m[4] ?? '' } : undefined;
}

const NUMBER_TYPES = ['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision'];
const TEXT_TYPES = ['text', 'character varying', 'character', 'citext', 'name'];

/**
 * What a PostgreSQL type loses of the intent a SQLite declared type states (the values may still
 * compare equal: a 0/1 in a bigint, an ISO text in a text): a boolean kept as a number, a
 * datetime as a number or a text, JSON or a UUID as text, SQLite's 8-byte REAL as a 4-byte
 * `real`. Undefined when the declared type states no intent or the PostgreSQL type keeps it.
 */
export function lostIntent(declared: string, pgType: string): string | undefined {
  const d = declared.toUpperCase().replace(/\(.*$/s, '').trim().split(/\s+/)[0] ?? '';
  const t = pgType.toLowerCase().replace(/\(.*?\)/, '').trim();
  const number = NUMBER_TYPES.includes(t);
  const text = TEXT_TYPES.includes(t);
  if (d === 'BOOLEAN' || d === 'BOOL') {
    if (number) return '0/1 booleans kept as numbers';
    if (text) return 'booleans kept as text';
  }
  if (['DATETIME', 'TIMESTAMP', 'TIMESTAMPTZ', 'DATE'].includes(d)) {
    if (number) return 'datetimes kept as numbers (compared as numbers, no time zone or unit checked)';
    if (text) return 'datetimes kept as text (compared as text, not as points in time)';
  }
  if ((d === 'JSON' || d === 'JSONB') && text) return 'JSON stored as text: compared as text, key order and whitespace count';
  if (d === 'UUID' && text) return 'UUIDs stored as text: compared as text, letter case counts';
  // SQLite stores every REAL, FLOAT or DOUBLE as an 8-byte double.
  if (affinityOf(declared) === 'REAL' && t === 'real') return "8-byte floats kept as real (4 bytes): values rounded to about 7 digits, compared after PostgreSQL's rounding";
  return undefined;
}

