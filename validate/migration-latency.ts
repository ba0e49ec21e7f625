import { errorInfo, type ErrorInfo } from '../core/errors.js';
import { median, roundTo } from './migration-figures.js';
import { inSavepoint, type MigrationContext } from './migration-context.js';
import type { MigrationQuery, MigrationTimings } from './migration-result.js';
import type { SelectPair } from './migration-select.js';

/**
 * Times each query `runs` times on each side after one unmeasured warm-up run (a cold cache is
 * not the figure), keeps the median, and explains the PostgreSQL one with ANALYZE and BUFFERS
 * (it runs inside the check's READ ONLY transaction, so a query that tried to write would fail).
 * Times are wall-clock milliseconds as the application sees them: SQLite in process, PostgreSQL
 * with its round trip. A side that fails keeps the runs it completed and the error.
 */
export async function timeQueries(ctx: MigrationContext, queries: readonly SelectPair[], runs: number): Promise<MigrationQuery[]> {
  const out: MigrationQuery[] = [];
  for (const q of queries) {
    ctx.log(`migration: timing query ${q.name} (${runs} runs on each side)`);
    const sqlite = timeSqlite(ctx, q.sqlite, runs);
    const postgres = await timePostgres(ctx, q.postgres, runs);
    const explained = await inSavepoint(ctx, () => ctx.pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${q.postgres}`));
    const ratio = sqlite.medianMs !== null && postgres.medianMs !== null && sqlite.medianMs > 0 ? roundTo(postgres.medianMs / sqlite.medianMs, 3) : null;
    out.push({
      name: q.name,
      sqlite,
      postgres,
      ratio,
      ...(explained.ok ? { explain: explained.value.map((r) => r['QUERY PLAN']).join('\n') } : { explainError: explained.error }),
    });
  }
  return out;
}

function timeSqlite(ctx: MigrationContext, sql: string, runs: number): MigrationTimings {
  const times: number[] = [];
  let rows: number | null = null;
  let error: ErrorInfo | undefined;
  try {
    const statement = ctx.file.db.prepare(sql);
    if (!statement.reader) throw new Error('the statement returns no rows: not a query');
    statement.all();
    for (let i = 0; i < runs; i++) {
      ctx.signal?.throwIfAborted();
      const started = performance.now();
      rows = statement.all().length;
      times.push(performance.now() - started);
    }
  } catch (e) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    error = errorInfo(e);
  }
  return timings(times, rows, error);
}

async function timePostgres(ctx: MigrationContext, sql: string, runs: number): Promise<MigrationTimings> {
  const times: number[] = [];
  let rows: number | null = null;
  const attempt = await inSavepoint(ctx, async () => {
    await ctx.pg.query(sql);
    for (let i = 0; i < runs; i++) {
      ctx.signal?.throwIfAborted();
      const started = performance.now();
      rows = (await ctx.pg.query(sql)).length;
      times.push(performance.now() - started);
    }
  });
  return timings(times, rows, attempt.ok ? undefined : attempt.error);
}

function timings(times: number[], rows: number | null, error: ErrorInfo | undefined): MigrationTimings {
  const ms = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : roundTo(v, 3));
  return {
    runs: times.length,
    medianMs: ms(median(times)),
    minMs: ms(times.length ? Math.min(...times) : null),
    maxMs: ms(times.length ? Math.max(...times) : null),
    rows,
    ...(error ? { error } : {}),
  };
}
