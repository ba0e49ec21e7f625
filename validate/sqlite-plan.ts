import type { SqliteCatalog, SqliteTable } from '../core/sqlite-catalog.js';
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
 * (named, never skipped); one on a side only is a note and makes the table different.
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
  for (const t of pgTables) {
    if (!paired.has(t) && selected(t.name) && !plan.rebuilt.some((f) => f.toLowerCase() === t.name.toLowerCase())) {
      plan.unplanned.push({ schema: o.schema, name: t.name, status: 'missing', reason: 'only in PostgreSQL (no such table in the SQLite file)' });
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
