import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { alterExtensionUpdate, connectableDatabases, hasPendingUpdate, installedExtensions, type ExtensionUpdateOutcome } from '../upgrade/extension-updates.js';
import { defineAction } from './action-types.js';

/**
 * `extension-update`: `ALTER EXTENSION name UPDATE [TO version]` in every database of the writer
 * that has the extension, as a step of its own (after a pg-upgrade with `updateExtensions: false`,
 * or when a runbook updates extensions later). Each database's version before and after is
 * recorded, and what the update did to the extension's objects (functions, operators, types,
 * operator classes, access methods, casts: added, removed, changed) and to the user's indexes on
 * them; an extension already at its target is a no-op, recorded as `already-current`.
 */
export const extensionUpdateAction = defineAction({
  name: 'extension-update',
  summary: 'ALTER EXTENSION … UPDATE [TO version] in every database of the writer that has the extension; versions before and after, and the objects it added, removed or changed, per database',
  params: z
    .object({
      names: z
        .array(z.string().min(1))
        .min(1)
        .optional()
        .describe('Extensions to update (each must be installed in at least one database); default every extension whose installed version differs from the installation\'s default_version.'),
      to: z.string().min(1).optional().describe('`UPDATE TO` this version (with exactly one name); default the installation\'s default_version.'),
    })
    .strict()
    .refine((p) => p.to === undefined || p.names?.length === 1, { message: 'expected with exactly one extension in "names" (a version is one extension\'s)', path: ['to'] }),
  title: (p) => `ALTER EXTENSION ${p.names?.join(', ') ?? '(every pending)'} UPDATE${p.to ? ` TO ${p.to}` : ''}`,
  async run(ctx, p) {
    const writer = ctx.topology.get(ctx.topology.writer);
    const outcomes: ExtensionUpdateOutcome[] = [];
    const found = new Set<string>();
    for (const database of await connectableDatabases(writer)) {
      await using session = await writer.admin(database);
      const installed = await installedExtensions(session);
      const chosen = p.names ? installed.filter((e) => p.names?.includes(e.name)) : installed.filter(hasPendingUpdate);
      for (const e of chosen) {
        found.add(e.name);
        const outcome = await alterExtensionUpdate(session, database, e.name, p.to);
        outcomes.push(outcome);
        ctx.log(`extension-update: ${database}: ${e.name} ${outcome.outcome === 'updated' ? `${outcome.before} -> ${outcome.after}${objectCounts(outcome)}` : `${outcome.after} (already current)`}`);
      }
    }
    ctx.detail('server', writer.version);
    ctx.detail('extensions', outcomes);
    const missing = (p.names ?? []).filter((name) => !found.has(name));
    if (missing.length) {
      throw new CutoverError('usage', `extension-update: field "names": ${missing.map((n) => `"${n}"`).join(', ')} installed in no database of ${writer.role} (PostgreSQL ${writer.version}); expected installed extensions`);
    }
    if (!outcomes.length) ctx.log(`extension-update: no extension of ${writer.role} has an update available`);
  },
});

/** `; objects +3 -1 ~2, 1 index broken` for the step's log line. */
function objectCounts(o: ExtensionUpdateOutcome): string {
  if (!o.objects) return '';
  const { added, removed, changed, indexes } = o.objects;
  return `; objects +${added.length} -${removed.length} ~${changed.length}${indexes.length ? `, ${indexes.length} index(es) affected` : ''}`;
}
