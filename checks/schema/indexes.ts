import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint } from './fingerprint.js';

export interface IndexInfo {
  table: string;
  /** Access method: btree, hash, gin, gist, hnsw, ivfflat... */
  method: string;
  /** `pg_get_indexdef`. */
  definition: string;
  valid: boolean;
  ready: boolean;
  live: boolean;
  fp: string;
}

/** Indexes of user tables and materialized views, keyed by quoted qualified index name. */
export async function collectIndexes(db: Session): Promise<Record<string, IndexInfo>> {
  const rows = await db.query<{
    name: string;
    tbl: string;
    method: string;
    definition: string;
    indisvalid: boolean;
    indisready: boolean;
    indislive: boolean;
  }>(
    `SELECT format('%I.%I', n.nspname, ic.relname) AS name, format('%I.%I', n.nspname, c.relname) AS tbl,
            am.amname AS method, pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid, i.indisready, i.indislive
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_am am ON am.oid = ic.relam
      WHERE ${userRelation('c', 'n')}
      ORDER BY 1`,
  );
  const result: Record<string, IndexInfo> = {};
  for (const r of rows) {
    result[r.name] = {
      table: r.tbl,
      method: r.method,
      definition: r.definition,
      valid: r.indisvalid,
      ready: r.indisready,
      live: r.indislive,
      fp: fingerprint(r.definition),
    };
  }
  return result;
}
