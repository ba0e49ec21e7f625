import type { StepRecord } from '../run/manifest.js';

/** How many databases' extension updates a step-table cell names before it counts the rest. */
const MAX_LISTED = 4;

/**
 * What an upgrade hop, an extension update or a check between steps did, from its details, for
 * the step table: the versions a hop went between, each extension's version before and after,
 * the checks' counts. Empty for other steps (and for records without those details).
 */
export function upgradeFacts(step: StepRecord): string[] {
  const d = step.details ?? {};
  if (step.action === 'pg-upgrade' && typeof d.from === 'string' && typeof d.to === 'string') {
    return [`PostgreSQL ${d.from} → ${d.to}${typeof d.role === 'string' && d.role !== 'green' ? ` (now ${d.role})` : ''}`];
  }
  if (step.action === 'extension-update' && Array.isArray(d.extensions)) {
    const updates = d.extensions as { database?: unknown; extension?: unknown; before?: unknown; after?: unknown; outcome?: unknown; objects?: unknown }[];
    if (!updates.length) return ['no extension had an update'];
    const listed = updates.slice(0, MAX_LISTED).map((u) => `${String(u.database)}: ${String(u.extension)} ${u.outcome === 'updated' ? `${String(u.before)} → ${String(u.after)}${objectCounts(u.objects)}` : `${String(u.after)} (already current)`}`);
    return updates.length > MAX_LISTED ? [...listed, `${updates.length - MAX_LISTED} more in run.json`] : listed;
  }
  if (step.action === 'check' && typeof d.checks === 'object' && d.checks !== null) {
    const c = d.checks as { ok?: unknown; skipped?: unknown; error?: unknown };
    const diff = d.diff as { against?: unknown; fail?: unknown; warn?: unknown; error?: unknown } | undefined;
    const since = diff?.against === undefined ? '' : diff.error !== undefined ? `; not compared with ${String(diff.against)}: ${String(diff.error)}` : `; since ${String(diff.against)}: ${String(diff.fail)} fail, ${String(diff.warn)} warn`;
    return [`checks on ${String(d.server ?? '?')}: ${String(c.ok)} ok, ${String(c.skipped)} skipped, ${String(c.error)} error${since}`];
  }
  return [];
}

/** ` (objects +3 −1 ~2; 1 index affected)` from an update's `objects` record; empty for records without one. */
function objectCounts(objects: unknown): string {
  if (typeof objects !== 'object' || objects === null) return '';
  const o = objects as Record<string, unknown>;
  const n = (key: string) => (Array.isArray(o[key]) ? o[key].length : 0);
  const indexes = n('indexes');
  return ` (objects +${n('added')} −${n('removed')} ~${n('changed')}${indexes ? `; ${indexes} ${indexes === 1 ? 'index' : 'indexes'} affected` : ''})`;
}
