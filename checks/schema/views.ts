import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint, unqualified } from './fingerprint.js';

/**
 * A view is kept as the fingerprint of its definition only (the text is in the database),
 * unqualified so that the deparser's changes between majors do not count as changes.
 */
export interface ViewInfo {
  fp: string;
}

export interface MaterializedViewInfo {
  populated: boolean;
  fp: string;
}

export interface Views {
  views: Record<string, ViewInfo>;
  matviews: Record<string, MaterializedViewInfo>;
}

/** Views and materialized views (with whether they hold data), keyed by quoted qualified name. */
export async function collectViews(db: Session): Promise<Views> {
  const rows = await db.query<{ name: string; relkind: string; populated: boolean; definition: string | null }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind, c.relispopulated AS populated,
            pg_get_viewdef(c.oid) AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND ${userRelation('c', 'n')}
      ORDER BY 1`,
  );
  const result: Views = { views: {}, matviews: {} };
  for (const r of rows) {
    const fp = fingerprint(unqualified(r.definition));
    if (r.relkind === 'm') result.matviews[r.name] = { populated: r.populated, fp };
    else result.views[r.name] = { fp };
  }
  return result;
}
