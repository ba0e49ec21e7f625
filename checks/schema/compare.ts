import type { FindingInput, Severity } from '../finding.js';
import type { SchemaData, SchemaInventory } from './inventory.js';
import { compareColumns } from './compare-columns.js';
import { compareSequenceValues } from './compare-sequences.js';

type Kind = keyof SchemaInventory;

interface KindRule {
  /** Used in finding keys and messages. */
  label: string;
  /** Severity when an object of this kind is gone after. */
  disappeared: Severity;
}

/** Order matters: tables first, so the objects of a dropped table can be folded into its finding. */
const KINDS: [Kind, KindRule][] = [
  ['tables', { label: 'table', disappeared: 'fail' }],
  ['constraints', { label: 'constraint', disappeared: 'fail' }],
  ['indexes', { label: 'index', disappeared: 'fail' }],
  ['functions', { label: 'function', disappeared: 'fail' }],
  ['sequences', { label: 'sequence', disappeared: 'warn' }],
  ['views', { label: 'view', disappeared: 'warn' }],
  ['matviews', { label: 'materialized view', disappeared: 'warn' }],
  ['triggers', { label: 'trigger', disappeared: 'warn' }],
];

/** Kinds whose objects belong to a table and disappear with it. */
const DEPENDENT = ['constraints', 'indexes', 'triggers'] as const;

/**
 * What appeared (info), disappeared (fail for tables, columns, constraints, indexes and
 * functions; warn for the rest) or changed (warn; a column type change fails) between two
 * inventories. Constraints, indexes and triggers of a table that disappeared are counted in the
 * table's finding instead of being listed one by one. A sequence whose last value went back fails.
 */
export function compareSchema(pre: SchemaData, post: SchemaData): FindingInput[] {
  // A database not opened after (dropped, or refusing connections) is the databases check's
  // finding, and the post data's own evaluation warns about it; its objects are not listed here.
  return Object.entries(pre.databases).flatMap(([database, before]) => {
    const after = post.databases[database];
    return after ? compareInventory(database, before, after) : [];
  });
}

function compareInventory(database: string, before: SchemaInventory, after: SchemaInventory): FindingInput[] {
  const findings: FindingInput[] = [];
  const droppedTables = new Set(Object.keys(before.tables).filter((t) => !(t in after.tables)));
  for (const [kind, rule] of KINDS) {
    const pre: Record<string, { fp: string; table?: string }> = before[kind];
    const post: Record<string, { fp: string; table?: string }> = after[kind];
    const slug = rule.label.replace(/ /g, '-');
    for (const [name, object] of Object.entries(pre)) {
      const now = post[name];
      if (!now) {
        if (object.table !== undefined && droppedTables.has(object.table)) continue;
        const finding: FindingInput = {
          key: `${slug}-disappeared:${database}:${name}`,
          severity: rule.disappeared,
          message: `${database}: ${rule.label} ${name} disappeared`,
          object: `${database}.${name}`,
        };
        if (kind === 'tables') finding.details = dependentsOf(name, before);
        findings.push(finding);
      } else if (kind === 'tables') {
        findings.push(...compareColumns(database, name, before.tables[name]!, after.tables[name]!));
      } else if (now.fp !== object.fp) {
        findings.push({
          key: `${slug}-changed:${database}:${name}`,
          severity: 'warn',
          message: `${database}: ${rule.label} ${name} changed`,
          object: `${database}.${name}`,
          details: changeDetails(object, now),
        });
      }
    }
    for (const name of Object.keys(post)) {
      if (!(name in pre)) {
        findings.push({
          key: `${slug}-appeared:${database}:${name}`,
          severity: 'info',
          message: `${database}: ${rule.label} ${name} appeared`,
          object: `${database}.${name}`,
        });
      }
    }
  }
  findings.push(...compareSequenceValues(database, before.sequences, after.sequences));
  return findings;
}

function dependentsOf(table: string, inventory: SchemaInventory): Record<string, number> {
  return Object.fromEntries(
    DEPENDENT.map((kind) => {
      const objects: Record<string, { table?: string }> = inventory[kind];
      return [kind, Object.values(objects).filter((o) => o.table === table).length];
    }),
  );
}

/** The fields that differ, as pre/post pairs (the fingerprint itself says nothing to people). */
function changeDetails(pre: object, post: object): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const a = pre as Record<string, unknown>;
  const b = post as Record<string, unknown>;
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (field === 'fp' || field === 'lastValue' || field === 'unreadable') continue;
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) details[field] = { pre: a[field], post: b[field] };
  }
  return details;
}
