import { CutoverError } from '../core/errors.js';
import { canonicalForm, compareForms } from './canonical.js';
import type { Catalog, CatalogTable } from './catalog.js';
import type { TableGroup } from './table-groups.js';
import type { TablePattern } from './table-patterns.js';

/** One column compared: the expression hashed on each side (of the quoted column). */
export interface PlannedColumn {
  name: string;
  /** The canonical family both sides are compared in (canonical.ts), e.g. `integer`. */
  family: string;
  source: (x: string) => string;
  target: (x: string) => string;
  /** The declared types, for the key lookups (`$1::type`). */
  sourceType: string;
  targetType: string;
}

/** A table present on both sides whose columns could all be paired. */
export interface TablePlan {
  schema: string;
  name: string;
  sourceKind: 'r' | 'p';
  targetKind: 'r' | 'p';
  /** Key column names (the source's key, or for a table without one the columns of its --group-by); empty: no key, compared as a multiset. */
  key: string[];
  /** Whether `key` is unique (a declared key) or groups rows (--group-by), several per value maybe. */
  keyUnique: boolean;
  columns: PlannedColumn[];
  /** Schema differences that do not stop the comparison (int4 against int8, a column on one side). */
  notes: string[];
  /** A column present on one side only: the table differs whatever its rows. */
  columnsDiffer: boolean;
  estimatedRows: number;
  /** Each side's size in blocks, to split its scans (validate/block-slices.ts). */
  sourceBlocks: number;
  targetBlocks: number;
}

/** What could not be planned: a table on one side only, or columns without a common form. */
export interface UnplannedTable {
  schema: string;
  name: string;
  status: 'missing' | 'error';
  reason: string;
}

export interface ValidationPlan {
  tables: TablePlan[];
  unplanned: UnplannedTable[];
}

const id = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;

/**
 * Pairs the two sides' tables by schema and name, keeps those `include` selects (all when empty)
 * and `exclude` does not, and pairs their columns by name. A pattern that selects no table on
 * either side is a usage error naming it: a typo must not pass as "nothing differs".
 */
export function planValidation(
  source: Catalog,
  target: Catalog,
  include: readonly TablePattern[],
  exclude: readonly TablePattern[],
  groups: readonly TableGroup[] = [],
): ValidationPlan {
  for (const p of [...include, ...exclude, ...groups.map((g) => g.pattern)]) {
    if (![...source.tables, ...target.tables].some((t) => p.matches(t.schema, t.name))) {
      throw new CutoverError('usage', `table pattern "${p.text}" matches no table on either side`);
    }
  }
  const selected = (t: CatalogTable): boolean =>
    (include.length === 0 || include.some((p) => p.matches(t.schema, t.name))) && !exclude.some((p) => p.matches(t.schema, t.name));
  const targets = new Map(target.tables.filter(selected).map((t) => [id(t), t]));
  const plan: ValidationPlan = { tables: [], unplanned: [] };
  for (const s of source.tables.filter(selected)) {
    const t = targets.get(id(s));
    targets.delete(id(s));
    if (!t) {
      plan.unplanned.push({ schema: s.schema, name: s.name, status: 'missing', reason: 'missing on the target' });
      continue;
    }
    const planned = planTable(s, t, source, target);
    if ('reason' in planned) plan.unplanned.push(planned);
    else plan.tables.push(withGroup(planned, groups));
  }
  for (const t of targets.values()) plan.unplanned.push({ schema: t.schema, name: t.name, status: 'missing', reason: 'missing on the source (only on the target)' });
  return plan;
}

/**
 * A table without a key grouped by the first --group-by that selects it. Its columns must be
 * compared columns of the table (a usage error naming the option otherwise); a table with a key
 * keeps it, with a note.
 */
function withGroup(plan: TablePlan, groups: readonly TableGroup[]): TablePlan {
  const group = groups.find((g) => g.pattern.matches(plan.schema, plan.name));
  if (!group) return plan;
  const id = `${plan.schema}.${plan.name}`;
  if (plan.key.length > 0) return { ...plan, notes: [...plan.notes, `--group-by ${group.text} not used: the table has a key (${plan.key.join(', ')})`] };
  const compared = new Set(plan.columns.map((c) => c.name));
  const unknown = group.columns.filter((c) => !compared.has(c));
  if (unknown.length > 0) {
    throw new CutoverError('usage', `--group-by ${group.text}: ${id} has no column ${unknown.join(', ')} on both sides (its columns: ${plan.columns.map((c) => c.name).join(', ')})`);
  }
  const notes = plan.notes.filter((n) => !n.startsWith('the key columns are not on both sides'));
  notes.push(`no key: rows grouped by ${group.columns.join(', ')} (--group-by); a group of more than one row is compared as a multiset`);
  return { ...plan, key: group.columns, keyUnique: false, notes };
}

function planTable(s: CatalogTable, t: CatalogTable, source: Catalog, target: Catalog): TablePlan | UnplannedTable {
  const notes: string[] = [];
  const problems: string[] = [];
  const columns: PlannedColumn[] = [];
  const targetColumns = new Map(t.columns.map((c) => [c.name, c]));
  let columnsDiffer = false;
  for (const sc of s.columns) {
    const tc = targetColumns.get(sc.name);
    if (!tc) {
      notes.push(`column ${sc.name} is missing on the target: not compared`);
      columnsDiffer = true;
      continue;
    }
    const sType = source.types(sc.typeOid);
    const tType = target.types(tc.typeOid);
    if (!sType || !tType) {
      problems.push(`column ${sc.name}: unknown type`);
      continue;
    }
    const cmp = compareForms(canonicalForm(sType, source.types), canonicalForm(tType, target.types));
    if (!cmp.ok) {
      problems.push(`column ${sc.name}: ${cmp.reason}`);
      continue;
    }
    if (cmp.note) notes.push(`column ${sc.name}: ${cmp.note}`);
    else if (sc.declared !== tc.declared) notes.push(`column ${sc.name}: ${sc.declared} on the source, ${tc.declared} on the target`);
    columns.push({ name: sc.name, family: cmp.family, source: cmp.source, target: cmp.target, sourceType: sc.declared, targetType: tc.declared });
  }
  const sourceNames = new Set(s.columns.map((c) => c.name));
  for (const tc of t.columns) {
    if (!sourceNames.has(tc.name)) {
      notes.push(`column ${tc.name} is only on the target: not compared`);
      columnsDiffer = true;
    }
  }
  if (problems.length > 0) return { schema: s.schema, name: s.name, status: 'error', reason: problems.join('; ') };
  const planned = new Set(columns.map((c) => c.name));
  // The source's key, when every one of its columns is compared; else the target's; else none.
  const key = [s.key, t.key].find((k) => k.length > 0 && k.every((c) => planned.has(c))) ?? [];
  if (key.length === 0 && (s.key.length > 0 || t.key.length > 0)) notes.push('the key columns are not on both sides: compared as a multiset');
  return {
    schema: s.schema,
    name: s.name,
    sourceKind: s.kind,
    targetKind: t.kind,
    key,
    keyUnique: true,
    columns,
    notes,
    columnsDiffer,
    estimatedRows: Math.max(s.estimatedRows, 0),
    sourceBlocks: s.blocks,
    targetBlocks: t.blocks,
  };
}
