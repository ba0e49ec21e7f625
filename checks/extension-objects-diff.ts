import type { ExtensionIndex, ExtensionMembers, ExtensionObject } from './extension-objects-collect.js';

/** An object of an extension changed in place: same identity, another definition. */
export interface ChangedObject {
  kind: string;
  identity: string;
  before: string;
  after: string;
  /** Dependents before the update (they may behave differently now). */
  usedBy: string[];
  usedByCount: number;
}

/** What an update did to one extension's member objects in one database. */
export interface ExtensionObjectsDiff {
  database: string;
  extension: string;
  before: string;
  after: string;
  added: ExtensionObject[];
  /** With the dependents they had before (`usedBy`): those are what the removal breaks. */
  removed: ExtensionObject[];
  changed: ChangedObject[];
  /**
   * Removed objects whose dependents now depend on an added object of the same kind (an
   * `ALTER … RENAME` in the update script: dependencies follow the object, not its name). The
   * pair is also in `removed` and `added`.
   */
  renamed: RenamedObject[];
}

/** An object that went by another name after: its dependents followed it, callers by name did not. */
export interface RenamedObject {
  kind: string;
  from: string;
  to: string;
  usedBy: string[];
}

/** `function public.f(integer)`: how an object is named in messages and in the step's details. */
export function objectLabel(o: { kind: string; identity: string }): string {
  return `${o.kind} ${o.identity}`;
}

const keyOf = (o: ExtensionObject) => `${o.kind}\u0000${o.identity}`;

/**
 * The member objects an update added, removed or changed, matched by kind and identity (a
 * function's identity includes its argument types, so a renamed function, or one whose arguments
 * changed type, is one removed and one added). Changed: same identity, different fingerprint.
 */
export function diffExtensionMembers(before: ExtensionMembers, after: ExtensionMembers): ExtensionObjectsDiff {
  const pre = new Map(before.objects.map((o) => [keyOf(o), o]));
  const post = new Map(after.objects.map((o) => [keyOf(o), o]));
  const changed: ChangedObject[] = [];
  for (const [key, a] of pre) {
    const b = post.get(key);
    if (b && b.fp !== a.fp) {
      changed.push({ kind: a.kind, identity: a.identity, before: a.describe, after: b.describe, usedBy: a.usedBy, usedByCount: a.usedByCount });
    }
  }
  const added = [...post].filter(([key]) => !pre.has(key)).map(([, o]) => o);
  const removed = [...pre].filter(([key]) => !post.has(key)).map(([, o]) => o);
  const renamed: RenamedObject[] = [];
  for (const r of removed) {
    const users = new Set(r.usedBy);
    const to = added.find((a) => a.kind === r.kind && a.usedBy.some((u) => users.has(u)));
    if (to) renamed.push({ kind: r.kind, from: r.identity, to: to.identity, usedBy: r.usedBy.filter((u) => to.usedBy.includes(u)) });
  }
  return { database: before.database, extension: before.name, before: before.version, after: after.version, added, removed, changed, renamed };
}

/** Whether a diff has anything to say. */
export function isEmptyDiff(d: Pick<ExtensionObjectsDiff, 'added' | 'removed' | 'changed'>): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}

/** What happened to one user index between two looks: gone, turned invalid, or defined otherwise. */
export interface IndexChange {
  index: ExtensionIndex;
  change: 'missing' | 'invalid' | 'changed';
  /** The definition after, when it changed. */
  definition?: string;
}

/** Indexes of `before` (one database) that the update dropped, invalidated or redefined (an operator class renamed). */
export function diffExtensionIndexes(before: readonly ExtensionIndex[], after: readonly ExtensionIndex[]): IndexChange[] {
  const now = new Map(after.map((i) => [i.name, i]));
  const changes: IndexChange[] = [];
  for (const index of before) {
    const b = now.get(index.name);
    if (!b) changes.push({ index, change: 'missing' });
    else if (index.valid && !b.valid) changes.push({ index, change: 'invalid' });
    else if (b.definition !== index.definition) changes.push({ index, change: 'changed', definition: b.definition });
  }
  return changes;
}
