import { CutoverError, errorInfo, type ErrorInfo } from '../core/errors.js';
import { type Endpoint, publicEndpoint } from '../core/endpoint.js';
import { readSqliteCatalog } from '../core/sqlite-catalog.js';
import { openSqliteFile } from '../core/sqlite-file.js';
import type { SqliteLocation } from '../core/sqlite-location.js';
import { readCatalog } from './catalog.js';
import { DEFAULT_COMPARE, type CompareOptions } from './compare-table.js';
import { summariseTables, tableResult, type TableResult, type ValidationResult } from './result.js';
import { DEFAULT_EXCLUDED_SCHEMAS } from './run-validation.js';
import { compareCrossTable } from './sqlite-compare.js';
import type { DatetimeEncoding } from './sqlite-forms.js';
import { planCrossValidation } from './sqlite-plan.js';
import { openSnapshotSession } from './snapshot-session.js';
import type { TablePattern } from './table-patterns.js';

export interface ValidateSqliteOptions {
  source: SqliteLocation;
  target: Endpoint;
  /** The PostgreSQL schema the file was loaded into. Default `public`. */
  targetSchema?: string;
  tables?: readonly TablePattern[];
  exclude?: readonly TablePattern[];
  /** Numbers read as timestamps or dates, per `table.column`: their encoding (default unix seconds). */
  datetime?: Readonly<Record<string, DatetimeEncoding>>;
  compare?: Partial<CompareOptions>;
  /** Names the option in errors about the file. Default `--source`. */
  label?: string;
  signal?: AbortSignal;
  onTable?: (result: TableResult) => void | Promise<void>;
}

/**
 * Compares a SQLite file with the PostgreSQL database it was loaded into, read-only on both (the
 * file opened read-only, the database inside one REPEATABLE READ READ ONLY snapshot), table by
 * table in the portable forms of validate/sqlite-forms.ts. Full-text indexes of the file are
 * listed in a note of the result as rebuilt, not compared. The PostgreSQL server's encoding must be
 * UTF8 (the file's texts are hashed as UTF-8 on both sides).
 */
export async function validateSqlite(options: ValidateSqliteOptions): Promise<ValidationResult> {
  const startedAt = new Date();
  const started = performance.now();
  const compare = { ...DEFAULT_COMPARE, ...options.compare };
  using file = await openSqliteFile(options.source, { label: options.label ?? '--source' });
  await using pg = await openSnapshotSession(options.target, { statementTimeoutMs: 3_600_000, lockTimeoutMs: 2_000, applicationName: 'cutover validate', signal: options.signal });
  const closeOnAbort = (): void => void pg.close();
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const sqliteCatalog = readSqliteCatalog(file);
    const pgCatalog = await readCatalog(pg, DEFAULT_EXCLUDED_SCHEMAS);
    if (pgCatalog.encoding !== 'UTF8') {
      throw new CutoverError('usage', `the target's server encoding is ${pgCatalog.encoding}: comparing with a SQLite file needs UTF8 (the file's texts are UTF-8)`);
    }
    const schema = options.targetSchema ?? 'public';
    const plan = planCrossValidation(sqliteCatalog, pgCatalog, { schema, include: options.tables ?? [], exclude: options.exclude ?? [], ...(options.datetime ? { datetime: options.datetime } : {}) });
    const tables: TableResult[] = plan.unplanned.map((u) => tableResult({ schema: u.schema, name: u.name, status: u.status, key: [], localised: false, reason: u.reason }));
    for (const t of tables) await options.onTable?.(t);
    let stopped: ErrorInfo | undefined;
    for (const table of plan.tables) {
      let result: TableResult;
      if (stopped) {
        result = tableResult({ schema: table.pg.schema, name: table.pg.name, status: 'error', key: [], localised: false, reason: `not compared: the validation stopped (${stopped.message.split('\n')[0]})` });
      } else {
        await pg.query('SAVEPOINT cutover_table');
        try {
          options.signal?.throwIfAborted();
          result = await compareCrossTable(table, file, pg, compare);
          await pg.query('RELEASE SAVEPOINT cutover_table');
        } catch (error) {
          const cause: unknown = options.signal?.aborted ? options.signal.reason : error;
          const rolledBack = await pg.query('ROLLBACK TO SAVEPOINT cutover_table').then(() => true, () => false);
          if (!rolledBack || options.signal?.aborted) stopped = errorInfo(cause);
          const reason = cause instanceof CutoverError ? cause.shortMessage : errorInfo(cause).message;
          result = { ...tableResult({ schema: table.pg.schema, name: table.pg.name, status: 'error', key: [], localised: false, reason: rolledBack ? reason : `not compared: ${reason}` }), error: errorInfo(cause) };
        }
      }
      tables.push(result);
      await options.onTable?.(result);
    }
    await pg.query('COMMIT').catch(() => {});
    tables.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    const summary = summariseTables(tables);
    return {
      source: { engine: 'sqlite', file: options.source.path, version: file.sqliteVersion },
      target: { endpoint: publicEndpoint(options.target), version: pg.serverVersion },
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      tables,
      summary,
      ...(stopped ? { stopped } : {}),
      ...(plan.rebuilt.length > 0 ? { notes: [`full-text indexes of the file, rebuilt in PostgreSQL and not copied, not compared: ${plan.rebuilt.join(', ')}`] } : {}),
      outcome: stopped ? 'incomplete' : summary.different + summary.missing > 0 ? 'different' : summary.errors > 0 ? 'incomplete' : 'equal',
    };
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', closeOnAbort);
  }
}
