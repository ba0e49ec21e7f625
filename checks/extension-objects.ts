import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { forEachDatabase, type UninspectedDatabase } from './each-database.js';
import { collectExtensionIndexes, collectExtensionMembers, type ExtensionIndex, type ExtensionMembers } from './extension-objects-collect.js';
import { diffExtensionIndexes, diffExtensionMembers, objectLabel, type ExtensionObjectsDiff } from './extension-objects-diff.js';

export interface ExtensionObjectsData {
  /** Every extension of every inspected database with its member objects. */
  extensions: ExtensionMembers[];
  /** User indexes on an extension's access method, operator class or type. */
  indexes: ExtensionIndex[];
  inspected: string[];
  uninspected: UninspectedDatabase[];
}

/** How many objects an aggregated (info) finding names in its message; all are in its details. */
const LISTED = 8;

/**
 * The objects of every extension (functions with their signatures, operators, types, operator
 * classes and families, access methods, casts, relations) and the user indexes that use them,
 * from the catalogs, so that pre and post say what an `ALTER EXTENSION … UPDATE` (or a new
 * installation's version) added, removed or changed, and what of the user's depended on it.
 */
export const extensionObjectsCheck = defineCheck<ExtensionObjectsData>({
  id: 'extensions.objects',
  title: 'Extension objects: functions, operators, types, operator classes, access methods, casts; indexes using them',
  doc: {
    collects:
      "every member object of every extension in every database (pg_depend deptype 'e': pg_proc, pg_operator, pg_type, pg_opclass, pg_opfamily, pg_am, pg_cast, pg_class), each with its identity, a definition fingerprint and the objects outside the extension that depend on it; and the user indexes that use an extension's access method, operator class or type",
    compares: 'per extension present on both sides: the objects removed (and what used them), changed in place and added; indexes on extension objects that disappeared, turned invalid or were redefined',
    findings: {
      renamed: { severity: 'warn', meaning: "an object was renamed (the user's objects that depended on it now depend on the new name): SQL naming it the old way fails" },
      removed: { severity: 'varies', meaning: 'an object of the extension is gone: fail when something of the user depended on it (a column, an index, a view), warn otherwise (a query calling it fails: the EXPLAIN baselines say which)' },
      changed: { severity: 'varies', meaning: 'an object kept its identity but not its definition (argument names, defaults, result, body, support functions): warn when something depends on it, else listed in an info finding' },
      added: { severity: 'info', meaning: 'the objects an extension gained, listed per database and extension' },
      'index-missing': { severity: 'fail', meaning: 'an index using an extension object is gone' },
      'index-invalid': { severity: 'fail', meaning: 'an index using an extension object was valid before and is not after' },
      'index-changed': { severity: 'warn', meaning: "an index using an extension object has another definition (e.g. its operator class's name)" },
    },
  },
  async collect(ctx) {
    const all = await forEachDatabase(ctx, async (session, database) => ({
      extensions: await collectExtensionMembers(session, database),
      indexes: await collectExtensionIndexes(session, database),
    }));
    return {
      extensions: all.inspected.flatMap((d) => d.value.extensions),
      indexes: all.inspected.flatMap((d) => d.value.indexes),
      inspected: all.inspected.map((d) => d.database),
      uninspected: all.uninspected,
    };
  },
  compare(pre, post) {
    // Extensions missing or new on a side are the extensions check's findings, as are databases not inspected.
    const after = new Map(post.extensions.map((e) => [`${e.database}\u0000${e.name}`, e]));
    const findings: FindingInput[] = [];
    for (const before of pre.extensions) {
      const now = after.get(`${before.database}\u0000${before.name}`);
      if (now) findings.push(...objectFindings(diffExtensionMembers(before, now)));
    }
    const inspectedAfter = new Set(post.inspected);
    for (const database of new Set(pre.indexes.map((i) => i.database))) {
      if (!inspectedAfter.has(database)) continue;
      const changes = diffExtensionIndexes(
        pre.indexes.filter((i) => i.database === database),
        post.indexes.filter((i) => i.database === database),
      );
      for (const c of changes) {
        const i = c.index;
        const on = `index ${i.name} on ${i.table} (${i.method}, ${i.opclasses.join(', ')}; extension ${i.extensions.join(', ')}) in database ${database}`;
        const object = `${database}.${i.name}`;
        if (c.change === 'missing') findings.push({ key: `index-missing:${database}:${i.name}`, severity: 'fail', message: `${on} is missing after`, object, details: { definition: i.definition } });
        if (c.change === 'invalid') findings.push({ key: `index-invalid:${database}:${i.name}`, severity: 'fail', message: `${on} is invalid after: REINDEX it`, object, details: { definition: i.definition } });
        if (c.change === 'changed') findings.push({ key: `index-changed:${database}:${i.name}`, severity: 'warn', message: `${on} is defined otherwise after: ${c.definition ?? ''}`, object, details: { pre: i.definition, post: c.definition } });
      }
    }
    return findings;
  },
});

/** `; the extension now has s.f(integer,text)`: added objects of the same kind and name, another signature. */
function namesakes(o: { kind: string; identity: string }, added: readonly { kind: string; identity: string }[]): string {
  const name = (identity: string) => identity.split('(')[0];
  if (!o.identity.includes('(')) return '';
  const same = added.filter((a) => a.kind === o.kind && name(a.identity) === name(o.identity)).map((a) => a.identity);
  return same.length ? `; the extension now has ${same.join(', ')}` : '';
}

function usedByText(o: { usedBy: string[]; usedByCount: number }): string {
  return `${o.usedBy.join(', ')}${o.usedByCount > o.usedBy.length ? ` and ${o.usedByCount - o.usedBy.length} more` : ''}`;
}

function listText(labels: string[]): string {
  return `${labels.slice(0, LISTED).join('; ')}${labels.length > LISTED ? `; and ${labels.length - LISTED} more` : ''}`;
}

/** The findings of one extension's diff in one database. */
export function objectFindings(d: ExtensionObjectsDiff): FindingInput[] {
  const findings: FindingInput[] = [];
  const where = `extension ${d.extension} in database ${d.database}`;
  const update = d.before === d.after ? `at ${d.after}` : `${d.before} -> ${d.after}`;
  const object = `${d.database}.${d.extension}`;
  const renamedFrom = new Map(d.renamed.map((r) => [`${r.kind}\u0000${r.from}`, r]));
  for (const r of d.renamed) {
    findings.push({
      key: `renamed:${d.database}:${d.extension}:${r.kind} ${r.from}`,
      severity: 'warn',
      message: `${r.kind} ${r.from} of ${where} is now ${r.to} (${update}): ${r.usedBy.join(', ')} followed it; SQL that names it the old way fails now`,
      object,
      details: { kind: r.kind, from: r.from, to: r.to, usedBy: r.usedBy },
    });
  }
  for (const o of d.removed) {
    if (renamedFrom.has(`${o.kind}\u0000${o.identity}`)) continue;
    const used = o.usedByCount > 0;
    findings.push({
      key: `removed:${d.database}:${d.extension}:${objectLabel(o)}`,
      severity: used ? 'fail' : 'warn',
      message: used
        ? `${objectLabel(o)} of ${where} is gone after (${update}) but was used by ${usedByText(o)}`
        : `${objectLabel(o)} of ${where} is gone after (${update}); SQL that names it fails now${namesakes(o, d.added)}`,
      object,
      details: { kind: o.kind, identity: o.identity, pre: o.describe, usedBy: o.usedBy, usedByCount: o.usedByCount },
    });
  }
  const quiet: string[] = [];
  for (const c of d.changed) {
    if (c.usedByCount === 0) {
      quiet.push(objectLabel(c));
      continue;
    }
    findings.push({
      key: `changed:${d.database}:${d.extension}:${objectLabel(c)}`,
      severity: 'warn',
      message: `${objectLabel(c)} of ${where} changed (${update})${c.before !== c.after ? `: ${c.before} -> ${c.after}` : ' (body or attributes)'}; used by ${usedByText(c)}`,
      object,
      details: { kind: c.kind, identity: c.identity, pre: c.before, post: c.after, usedBy: c.usedBy, usedByCount: c.usedByCount },
    });
  }
  if (quiet.length) {
    findings.push({
      key: `changed:${d.database}:${d.extension}`,
      severity: 'info',
      message: `${quiet.length} object(s) of ${where} changed (${update}): ${listText(quiet)}`,
      object,
      details: { changed: d.changed.filter((c) => c.usedByCount === 0).map((c) => ({ kind: c.kind, identity: c.identity, pre: c.before, post: c.after })) },
    });
  }
  const renamedTo = new Set(d.renamed.map((r) => `${r.kind}\u0000${r.to}`));
  const added = d.added.filter((o) => !renamedTo.has(`${o.kind}\u0000${o.identity}`));
  if (added.length) {
    findings.push({
      key: `added:${d.database}:${d.extension}`,
      severity: 'info',
      message: `${added.length} object(s) of ${where} are new (${update}): ${listText(added.map(objectLabel))}`,
      object,
      details: { added: added.map((o) => ({ kind: o.kind, identity: o.identity, describe: o.describe })) },
    });
  }
  return findings;
}
