import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint } from './fingerprint.js';

export interface ConstraintInfo {
  table: string;
  /** `primary key`, `foreign key`, `unique`, `check`, `exclusion`, `trigger`. */
  type: string;
  /** `pg_get_constraintdef`. */
  definition: string;
  /** Present (false) only for a NOT VALID constraint. */
  validated?: false;
  fp: string;
}

const TYPES: Record<string, string> = {
  p: 'primary key',
  f: 'foreign key',
  u: 'unique',
  c: 'check',
  x: 'exclusion',
  t: 'trigger',
};

/**
 * Table constraints keyed by `schema.table.name`. NOT NULL constraints (catalogued from 18 on)
 * are left out: nullability is part of each column, and counting it twice would make every
 * upgrade to 18 look like thousands of new constraints.
 */
export async function collectConstraints(db: Session): Promise<Record<string, ConstraintInfo>> {
  const rows = await db.query<{ tbl: string; name: string; contype: string; definition: string; convalidated: boolean }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS tbl, format('%I', co.conname) AS name, co.contype,
            pg_get_constraintdef(co.oid) AS definition, co.convalidated
       FROM pg_constraint co
       JOIN pg_class c ON c.oid = co.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE co.contype <> 'n' AND ${userRelation('c', 'n')}
      ORDER BY 1, 2`,
  );
  const result: Record<string, ConstraintInfo> = {};
  for (const r of rows) {
    const type = TYPES[r.contype] ?? r.contype;
    result[`${r.tbl}.${r.name}`] = {
      table: r.tbl,
      type,
      definition: r.definition,
      ...(r.convalidated ? {} : { validated: false as const }),
      fp: fingerprint(type, r.definition),
    };
  }
  return result;
}
