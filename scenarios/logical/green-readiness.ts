import type { Session } from '../../core/session.js';

/**
 * Logical replication carries rows, not materialized views: pg_dump creates them WITH NO DATA on
 * green. Every materialized view populated on blue is refreshed on green (after the initial copy,
 * before the switchover, so clients never read an unpopulated one). Returns the views refreshed.
 */
export async function refreshMaterializedViews(blue: Session, green: Session): Promise<string[]> {
  const rows = await blue.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, matviewname) AS name FROM pg_matviews WHERE ispopulated ORDER BY 1`,
  );
  for (const { name } of rows) await green.query(`REFRESH MATERIALIZED VIEW ${name}`);
  return rows.map((r) => r.name);
}

/** Planner statistics do not replicate either: green is analyzed before it takes the load. */
export async function analyzeGreen(green: Session): Promise<void> {
  await green.query('ANALYZE');
}
