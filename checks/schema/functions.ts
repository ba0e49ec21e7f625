import type { Session } from '../../core/session.js';
import { notExtensionMember, userSchema } from './filters.js';
import { fingerprint, unqualified } from './fingerprint.js';

export interface FunctionInfo {
  /** `function`, `procedure`, `aggregate` or `window`. */
  kind: string;
  language: string;
  /** `pg_get_function_result`; null for procedures. */
  result: string | null;
  /** Of the body, language, result and attributes (volatility, strictness, security definer). */
  fp: string;
}

const KINDS: Record<string, string> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };

/** User functions keyed by signature `schema.name(identity arguments)`. */
export async function collectFunctions(db: Session): Promise<Record<string, FunctionInfo>> {
  // SQL-standard bodies (BEGIN ATOMIC, 14+) live in prosqlbody, not prosrc.
  const sqlBody = db.serverVersionNum >= 140000 ? `CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END` : 'NULL';
  const rows = await db.query<{
    name: string;
    prokind: string;
    language: string;
    result: string | null;
    src: string | null;
    sqlbody: string | null;
    probin: string | null;
    provolatile: string;
    proisstrict: boolean;
    prosecdef: boolean;
  }>(
    `SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name,
            p.prokind::text AS prokind, l.lanname AS language, pg_get_function_result(p.oid) AS result,
            p.prosrc AS src, ${sqlBody} AS sqlbody, p.probin, p.provolatile::text AS provolatile, p.proisstrict, p.prosecdef
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE ${userSchema('n')} AND ${notExtensionMember('pg_proc', 'p.oid')}
      ORDER BY 1`,
  );
  const result: Record<string, FunctionInfo> = {};
  for (const r of rows) {
    const kind = KINDS[r.prokind] ?? r.prokind;
    result[r.name] = {
      kind,
      language: r.language,
      result: r.result,
      // A SQL-standard body is deparsed, so it is unqualified like a view; prosrc is the user's text.
      fp: fingerprint(kind, r.language, r.result, r.sqlbody === null ? r.src : unqualified(r.sqlbody), r.probin, r.provolatile, r.proisstrict, r.prosecdef),
    };
  }
  return result;
}
