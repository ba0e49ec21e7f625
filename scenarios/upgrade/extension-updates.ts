import type { Session } from '../../core/session.js';
import type { Cluster } from '../topology/cluster.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import { quoteLiteral } from './sql-literal.js';
import { collectExtensionIndexes, collectExtensionMembers, type ExtensionMembers } from '../../checks/extension-objects-collect.js';
import { diffExtensionIndexes, diffExtensionMembers, objectLabel } from '../../checks/extension-objects-diff.js';

/** One `ALTER EXTENSION … UPDATE` applied after an upgrade. */
export interface ExtensionUpdate {
  database: string;
  extension: string;
  from: string;
  to: string;
}

/** An extension installed in a database, with the version the installation's control file defaults to. */
export interface InstalledExtension {
  name: string;
  installed: string;
  /** `pg_available_extensions.default_version`; null when the installation has no control file for it. */
  available: string | null;
}

/** What one `ALTER EXTENSION … UPDATE` did in one database, read back from the catalog. */
export interface ExtensionUpdateOutcome {
  database: string;
  extension: string;
  /** `extversion` before the statement. */
  before: string;
  /** `extversion` after it. */
  after: string;
  /** `updated` when the version changed; `already-current` when it was at the target already (a no-op). */
  outcome: 'updated' | 'already-current';
  /** What the update did to the extension's objects, from the catalogs before and after (only when `updated`). */
  objects?: ExtensionObjectChanges;
}

/**
 * The member objects an update added, removed or changed, each as `kind identity`
 * (`function public.f(integer)`, `operator class public.x_ops USING hnsw`), and the user indexes on
 * the extension's objects that it dropped, invalidated or redefined (`index app.i: invalid`).
 */
export interface ExtensionObjectChanges {
  added: string[];
  /** A removed object something of the user's depended on says so: `… (used by column e of table app.t)`. */
  removed: string[];
  changed: string[];
  /** `operator class a USING btree -> b USING btree`: objects whose dependents followed them to a new name (not in `added` or `removed`). */
  renamed: string[];
  indexes: string[];
}

/** The databases of a server that accept connections, by name. */
export async function connectableDatabases(cluster: Cluster): Promise<string[]> {
  await using admin = await cluster.admin('postgres');
  const rows = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname`);
  return rows.map((r) => r.datname);
}

/** The extensions installed in the session's database, with their default version on this installation. */
export async function installedExtensions(session: Session): Promise<InstalledExtension[]> {
  const rows = await session.query<{ name: string; installed: string; available: string | null }>(
    `SELECT e.extname AS name, e.extversion AS installed, a.default_version AS available
       FROM pg_extension e LEFT JOIN pg_available_extensions a ON a.name = e.extname
      ORDER BY e.extname`,
  );
  return rows.map((r) => ({ name: r.name, installed: r.installed, available: r.available }));
}

/** Whether the installation offers a newer default version than the one installed. */
export function hasPendingUpdate(e: InstalledExtension): boolean {
  return e.available !== null && e.installed !== e.available;
}

/**
 * `ALTER EXTENSION name UPDATE [TO version]` in the session's database, and the version before and
 * after as the catalog says, with the objects the update added, removed or changed (the extension's
 * members read before and after) and the user indexes on them it broke. Throws with the server's
 * reason (no update path, unknown version).
 */
export async function alterExtensionUpdate(session: Session, database: string, name: string, to?: string): Promise<ExtensionUpdateOutcome> {
  const members = async (): Promise<ExtensionMembers | undefined> => (await collectExtensionMembers(session, database, [name]))[0];
  const before = await members();
  const indexesBefore = (await collectExtensionIndexes(session, database)).filter((i) => i.extensions.includes(name));
  await session.query(`ALTER EXTENSION ${quoteIdentifier(name)} UPDATE${to === undefined ? '' : ` TO ${quoteLiteral(to)}`}`);
  const after = await members();
  const outcome: ExtensionUpdateOutcome = {
    database,
    extension: name,
    before: before?.version ?? '',
    after: after?.version ?? '',
    outcome: after?.version === before?.version ? 'already-current' : 'updated',
  };
  if (outcome.outcome === 'updated' && before && after) {
    const d = diffExtensionMembers(before, after);
    const indexes = diffExtensionIndexes(indexesBefore, await collectExtensionIndexes(session, database));
    const from = new Set(d.renamed.map((r) => `${r.kind} ${r.from}`));
    const to = new Set(d.renamed.map((r) => `${r.kind} ${r.to}`));
    outcome.objects = {
      added: d.added.map(objectLabel).filter((l) => !to.has(l)),
      removed: d.removed.filter((o) => !from.has(objectLabel(o))).map((o) => `${objectLabel(o)}${o.usedByCount ? ` (used by ${o.usedBy.join(', ')}${o.usedByCount > o.usedBy.length ? ` and ${o.usedByCount - o.usedBy.length} more` : ''})` : ''}`),
      changed: d.changed.map((c) => `${objectLabel(c)}${c.before !== c.after ? `: ${c.before} -> ${c.after}` : ''}`),
      renamed: d.renamed.map((r) => `${r.kind} ${r.from} -> ${r.to}`),
      indexes: indexes.map((c) => `index ${c.index.name}: ${c.change}${c.definition ? ` (${c.definition})` : ''}`),
    };
  }
  return outcome;
}

/**
 * In every database that accepts connections, updates each extension whose installed version
 * differs from the default version of the new installation (pg_upgrade carries the old
 * version's catalog objects; the new binaries expect the new ones). Returns what it updated.
 */
export async function updateExtensions(cluster: Cluster): Promise<ExtensionUpdate[]> {
  const updates: ExtensionUpdate[] = [];
  for (const database of await connectableDatabases(cluster)) {
    await using session = await cluster.admin(database);
    for (const p of (await installedExtensions(session)).filter(hasPendingUpdate)) {
      await session.query(`ALTER EXTENSION ${quoteIdentifier(p.name)} UPDATE`);
      updates.push({ database, extension: p.name, from: p.installed, to: p.available ?? p.installed });
    }
  }
  return updates;
}
