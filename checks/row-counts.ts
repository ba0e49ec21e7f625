import type { Session } from '../core/session.js';
import { type CheckContext, defineCheck } from './define-check.js';
import { type UninspectedDatabase, forEachDatabase } from './each-database.js';
import { exactCounts } from './exact-counts.js';
import { compareRowCounts } from './row-count-compare.js';
import { userRelation } from './schema/filters.js';
import { uninspectedFindings } from './uninspected-findings.js';

/** Row figures of one table. Exactly one of `exact` and `skipped` is present. */
export interface TableRows {
  /** `pg_class.reltuples` (as of the last VACUUM or ANALYZE); null when never analysed. */
  estimate: number | null;
  /** `pg_stat_user_tables.n_live_tup`; null when the statistics have no entry. */
  liveTuples: number | null;
  /** `count(*)`. */
  exact?: number;
  /** Why there is no exact count (estimate only, no privilege, the count failed). */
  skipped?: string;
}

export interface DatabaseRows {
  tables: Record<string, TableRows>;
  /** Sessions that ran counts concurrently in this database. */
  countSessions: number;
}

export interface RowCountsData {
  databases: Record<string, DatabaseRows>;
  uninspected: UninspectedDatabase[];
}

/** Row counts of every user table: estimates always, exact counts where allowed and affordable. */
export const rowCountsCheck = defineCheck<RowCountsData>({
  id: 'rows',
  title: 'Row counts per table: estimates and exact count(*)',
  doc: {
    collects: "per table: the planner's row estimate, and an exact count(*) for the tables the configuration selects (within its limits)",
    evaluates: 'databases it could not inspect',
    compares: 'tables whose rows dropped or grew between pre and post (exact counts where both sides have them)',
    findings: {
      'rows-dropped': { severity: 'varies', meaning: 'a table lost rows: fail at or above `checks.rowCountDropFail` of them, else warn' },
      'rows-grew': { severity: 'info', meaning: 'a table gained rows' },
      uninspected: { severity: 'warn', meaning: 'a database could not be inspected' },
    },
  },
  async collect(ctx) {
    const { inspected, uninspected } = await forEachDatabase(ctx, (session, database) => countDatabase(ctx, session, database));
    return { databases: Object.fromEntries(inspected.map((i) => [i.database, i.value])), uninspected };
  },
  evaluate: (data) => uninspectedFindings(data.uninspected, 'row counts'),
  compare: (pre, post, ctx) => compareRowCounts(pre, post, ctx.config.checks.rowCountDropFail),
});

async function countDatabase(ctx: CheckContext, session: Session, database: string): Promise<DatabaseRows> {
  const { enabled, concurrency, maxEstimatedRows } = ctx.config.checks.exactCounts;
  // Only plain tables (partitions included): a partitioned parent would count its partitions
  // twice, and foreign tables would send the count to another server.
  const rows = await session.query<{ name: string; estimate: string | null; live: string | null; readable: boolean }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name,
            CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END AS estimate,
            s.n_live_tup AS live,
            has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT') AS readable
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relkind = 'r' AND ${userRelation('c', 'n')}
      ORDER BY 1`,
  );
  const tables: Record<string, TableRows> = {};
  const jobs: { name: string }[] = [];
  for (const r of rows) {
    const table: TableRows = { estimate: toNumber(r.estimate), liveTuples: toNumber(r.live) };
    const guess = Math.max(table.estimate ?? 0, table.liveTuples ?? 0);
    if (!enabled) table.skipped = 'estimate only: exact counts are disabled (checks.exactCounts.enabled)';
    else if (!r.readable) table.skipped = 'no SELECT privilege on the table (or USAGE on its schema)';
    else if (guess > maxEstimatedRows) {
      table.skipped = `estimate only: about ${guess} rows, above checks.exactCounts.maxEstimatedRows (${maxEstimatedRows})`;
    } else jobs.push({ name: r.name });
    tables[r.name] = table;
  }
  const { outcomes, sessions } = await exactCounts(jobs, concurrency, session, () => ctx.openSession(database));
  for (const [name, outcome] of outcomes) Object.assign(tables[name]!, outcome);
  return { tables, countSessions: sessions };
}

function toNumber(value: string | null): number | null {
  return value === null ? null : Number(value);
}
