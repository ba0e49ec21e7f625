import type { Endpoint } from '../core/endpoint.js';
import { readSqliteCatalog } from '../core/sqlite-catalog.js';
import { openSqliteFile } from '../core/sqlite-file.js';
import type { SqliteLocation } from '../core/sqlite-location.js';
import { readCatalog } from './catalog.js';
import type { MigrationContext } from './migration-context.js';
import { checkForeignKeys } from './migration-foreign-keys.js';
import { checkIntegrity } from './migration-integrity.js';
import { timeQueries } from './migration-latency.js';
import { countRequiredNulls } from './migration-required.js';
import type { MigrationResult } from './migration-result.js';
import { countTables } from './migration-row-counts.js';
import { compareSearches } from './migration-search.js';
import { selectPairs } from './migration-select.js';
import { migrationThresholds, type MigrationSpec } from './migration-spec.js';
import type { ValidationResult } from './result.js';
import { DEFAULT_EXCLUDED_SCHEMAS } from './run-validation.js';
import { openSnapshotSession } from './snapshot-session.js';

export type { MigrationResult, MigrationTableCount, MigrationForeignKey, MigrationRequiredColumn, MigrationQuery, MigrationTimings, MigrationSearch, MigrationIntegrity } from './migration-result.js';

export interface CheckMigrationOptions {
  /** The SQLite file the application ran on (opened read-only). */
  source: SqliteLocation;
  /** The PostgreSQL database it was loaded into. */
  target: Endpoint;
  /** The PostgreSQL schema the file was loaded into. Default `public`. */
  schema?: string;
  /** validateSqlite's result for the same file and database: its row counts are reused. */
  validation: ValidationResult;
  spec: MigrationSpec;
  /** Names the file's option in errors. Default `--source`. */
  label?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/**
 * Measures what the SQLite → PostgreSQL rollback matrix decides on: row counts per table, orphan
 * rows of foreign keys on the target, NULLs in required columns, query latency on both sides, and
 * search parity, and corruption (the file's quick_check, the target's checksum failures). Read-only on both sides: the file opened read-only, the target inside one
 * REPEATABLE READ READ ONLY transaction (each part in a savepoint, so a part that fails is recorded
 * and the others go on). Queries and searches that are not single SELECTs are refused (a config
 * error naming them) before anything opens. migrationFindings() turns the result into findings.
 */
export async function checkMigration(options: CheckMigrationOptions): Promise<MigrationResult> {
  const started = performance.now();
  const log = options.log ?? ((): void => {});
  const pairs = selectPairs(options.spec);
  const thresholds = migrationThresholds(options.spec);
  using file = await openSqliteFile(options.source, { label: options.label ?? '--source' });
  await using pg = await openSnapshotSession(options.target, { statementTimeoutMs: 3_600_000, lockTimeoutMs: 2_000, applicationName: 'cutover migration', signal: options.signal });
  const closeOnAbort = (): void => void pg.close();
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    // The snapshot session turns sorts off and raises work_mem for digests; timed queries run with the server's own settings.
    await pg.query('SET LOCAL enable_sort TO DEFAULT; SET LOCAL work_mem TO DEFAULT');
    const ctx: MigrationContext = {
      file,
      pg,
      schema: options.schema ?? 'public',
      sqlite: readSqliteCatalog(file),
      pgCatalog: await readCatalog(pg, DEFAULT_EXCLUDED_SCHEMAS),
      ...(options.signal ? { signal: options.signal } : {}),
      log,
    };
    log(`migration: row counts of ${ctx.sqlite.tables.length} tables`);
    const tables = await countTables(ctx, options.validation);
    log('migration: foreign keys on the target');
    const foreignKeys = await checkForeignKeys(ctx);
    log('migration: NULLs in required columns');
    const required = await countRequiredNulls(ctx, options.spec.required ?? []);
    log('migration: corruption (SQLite quick_check, PostgreSQL checksum failures)');
    const integrity = await checkIntegrity(ctx);
    const queries = await timeQueries(ctx, pairs.queries, thresholds.runs);
    const search = await compareSearches(ctx, pairs.search);
    await pg.query('ROLLBACK').catch(() => {});
    return { tables, foreignKeys, required, queries, search, integrity, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', closeOnAbort);
  }
}
