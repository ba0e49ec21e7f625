import type { CheckContext } from './define-check.js';
import { roundMs } from './round-ms.js';

/** One session that matters to a switchover. */
export interface BluegreenSession {
  pid: number;
  database: string | null;
  user: string | null;
  applicationName: string | null;
  state: string | null;
  transactionMs: number | null;
  /** The first 200 characters of its current (or last) statement. */
  query: string | null;
  /** Its current (or last, in an open transaction) statement is DDL. */
  ddl: boolean;
  /** Relations it holds ACCESS EXCLUSIVE locks on, `db.schema.table` (temporary tables left out). */
  exclusiveLocks: string[];
}

/** Statements that change the schema or take its locks, as they start. */
const DDL = `'^\\s*(CREATE|ALTER|DROP|TRUNCATE|REINDEX|CLUSTER|VACUUM\\s+FULL|COMMENT|GRANT|REVOKE|REFRESH\\s+MATERIALIZED|SECURITY\\s+LABEL|LOCK)\\M'`;
const NOT_CUTOVER = `a.pid <> pg_backend_pid() AND a.application_name IS DISTINCT FROM 'cutover' AND a.backend_type = 'client backend'`;

interface SessionRow extends Record<string, unknown> {
  pid: number;
  datname: string | null;
  usename: string | null;
  application_name: string | null;
  state: string | null;
  xact_ms: number | null;
  query: string | null;
  ddl: boolean;
}

/** Reads pg_stat_activity and pg_locks; lock relations are named from their own database's catalog. */
export async function collectBluegreenActivity(ctx: CheckContext, longSeconds: number): Promise<{ ddlInFlight: BluegreenSession[]; longTransactions: BluegreenSession[] }> {
  const rows = await ctx.db.query<SessionRow>(
    `SELECT a.pid, a.datname, a.usename, a.application_name, a.state,
            extract(epoch FROM now() - a.xact_start)::float8 * 1000 AS xact_ms,
            left(a.query, 200) AS query,
            coalesce(a.state <> 'idle' AND a.query ~* ${DDL}, false) AS ddl
       FROM pg_stat_activity a WHERE ${NOT_CUTOVER} ORDER BY a.pid`,
  );
  const locks = await ctx.db.query<{ pid: number; datname: string | null; relation: string }>(
    `SELECT l.pid, d.datname, l.relation::text AS relation
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid LEFT JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted AND ${NOT_CUTOVER}`,
  );
  const names = await relationNames(ctx, locks);
  const sessions = rows.map((r): BluegreenSession => {
    const held = locks.filter((l) => l.pid === r.pid).map((l) => names.get(`${l.datname}:${l.relation}`)).filter((n): n is string => n !== undefined);
    return {
      pid: r.pid,
      database: r.datname,
      user: r.usename,
      applicationName: r.application_name || null,
      state: r.state,
      transactionMs: roundMs(r.xact_ms),
      query: r.query,
      ddl: r.ddl,
      exclusiveLocks: [...new Set(held)].sort(),
    };
  });
  return {
    ddlInFlight: sessions.filter((s) => s.ddl || s.exclusiveLocks.length > 0),
    longTransactions: sessions.filter((s) => (s.transactionMs ?? 0) > longSeconds * 1000),
  };
}

/**
 * `db.schema.table` for each locked relation, read in its own database (an oid means nothing
 * elsewhere); temporary tables are left out (a session's own scratch), unreadable ones keep their oid.
 */
async function relationNames(ctx: CheckContext, locks: { datname: string | null; relation: string }[]): Promise<Map<string, string>> {
  const byDb = new Map<string, Set<string>>();
  for (const l of locks) if (l.datname) byDb.set(l.datname, (byDb.get(l.datname) ?? new Set()).add(l.relation));
  const names = new Map<string, string>();
  for (const [db, oids] of byDb) {
    try {
      const session = await ctx.connect(db);
      const rows = await session.query<{ oid: string; name: string; temp: boolean }>(
        `SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name, c.relpersistence = 't' AS temp
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
        [[...oids]],
      );
      for (const r of rows) if (!r.temp) names.set(`${db}:${r.oid}`, `${db}.${r.name}`);
      // A relation created in the open transaction is not visible yet: it keeps its oid.
      for (const oid of oids) if (!rows.some((r) => r.oid === oid)) names.set(`${db}:${oid}`, `${db}.oid ${oid}`);
    } catch {
      for (const oid of oids) names.set(`${db}:${oid}`, `${db}.oid ${oid}`);
    }
  }
  return names;
}
