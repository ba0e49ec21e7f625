import { errorLine } from '../core/errors.js';
import type { Session } from '../core/session.js';
import { quoteIdent as quoteIdentifier } from './quote-ident.js';
import type { TviewRegistration } from './pg-tviews-collect.js';

/**
 * Rows of a TVIEW and of the query it materialises, with an order-independent digest of each over
 * the query's columns, in one statement so one snapshot sees both: pg_tviews propagates a write
 * inside the writing transaction, so the two agree unless the TVIEW is stale. (A TVIEW's table may
 * carry columns of its own, e.g. created_at on 0.1.0-beta.20: only the query's are compared.)
 */
export async function countRows(db: Session, r: TviewRegistration): Promise<void> {
  if (r.tableMissing || r.viewMissing || !r.schema || !r.name) return;
  try {
    const [view] = r.view
      ? await db.query<{ v: string | null; cols: string | null }>(
          `SELECT to_regclass($1)::text AS v,
                  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped) AS cols`,
          [r.view],
        )
      : [];
    const table = `${quoteIdentifier(r.schema)}.${quoteIdentifier(r.name)}`;
    const side = (from: string) =>
      view?.cols
        ? `(SELECT count(*) AS n, coalesce(sum(hashtextextended(ROW(${view.cols})::text, 0)), 0)::text AS d FROM ${from})`
        : `(SELECT count(*) AS n, NULL::text AS d FROM ${from})`;
    const [row] = await db.query<{ rows: string; digest: string | null; source: string | null; source_digest: string | null }>(
      view?.v
        ? `SELECT t.n AS rows, t.d AS digest, v.n AS source, v.d AS source_digest FROM ${side(table)} t, ${side(view.v)} v`
        : `SELECT t.n AS rows, NULL::text AS digest, NULL::bigint AS source, NULL::text AS source_digest FROM ${side(table)} t`,
    );
    r.rows = row ? Number(row.rows) : null;
    r.sourceRows = row?.source === null || row?.source === undefined ? null : Number(row.source);
    if (row?.digest && row.source_digest) r.contentsDiffer = row.digest !== row.source_digest;
  } catch (error) {
    r.rowsError = errorLine(error) || String(error);
  }
}

/** `pg_tviews_refresh(entity)` (every release takes the entity) inside a transaction that is rolled back. */
export async function refreshRolledBack(db: Session, schema: string, entity: string): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  try {
    await db.query('BEGIN TRANSACTION READ WRITE');
    await db.query(`SELECT ${schema}.pg_tviews_refresh($1)`, [entity]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: errorLine(error) || String(error) };
  } finally {
    await db.query('ROLLBACK').catch(() => {});
  }
}
