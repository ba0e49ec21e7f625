import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint } from './fingerprint.js';

export interface TriggerInfo {
  table: string;
  /** `pg_trigger.tgenabled` in words: a trigger that stops firing after an upgrade is a change. */
  enabled: 'origin' | 'disabled' | 'replica' | 'always';
  /** Of `pg_get_triggerdef` and the enabled state. */
  fp: string;
}

const ENABLED: Record<string, TriggerInfo['enabled']> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };

/** User triggers (not the internal ones behind foreign keys), keyed by `schema.table.trigger`. */
export async function collectTriggers(db: Session): Promise<Record<string, TriggerInfo>> {
  const rows = await db.query<{ tbl: string; name: string; tgenabled: string; definition: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS tbl, format('%I', t.tgname) AS name, t.tgenabled::text AS tgenabled,
            pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND ${userRelation('c', 'n')}
      ORDER BY 1, 2`,
  );
  const result: Record<string, TriggerInfo> = {};
  for (const r of rows) {
    const enabled = ENABLED[r.tgenabled] ?? 'origin';
    result[`${r.tbl}.${r.name}`] = { table: r.tbl, enabled, fp: fingerprint(r.definition, enabled) };
  }
  return result;
}
