import { errorInfo, type ErrorInfo } from '../core/errors.js';
import type { SqliteCatalog } from '../core/sqlite-catalog.js';
import type { SqliteFile } from '../core/sqlite-file.js';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.js';
import type { SnapshotSession } from './snapshot-session.js';

/** What every part of the migration checks reads: both sides open read-only, and their catalogs. */
export interface MigrationContext {
  file: SqliteFile;
  /** One READ ONLY transaction on the target, for the whole check. */
  pg: SnapshotSession;
  /** The PostgreSQL schema the file was loaded into. */
  schema: string;
  sqlite: SqliteCatalog;
  pgCatalog: Catalog;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** An outcome of one step: its value, or why it failed (a failure to look is data, never a crash). */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/**
 * Runs one step on the target inside a savepoint, so that a failed statement (a type mismatch in
 * a join, a query the target refuses) is rolled back to it and the rest of the check goes on in
 * the same snapshot. A savepoint that cannot be rolled back to (the connection is gone) or an
 * abort ends the whole check.
 */
export async function inSavepoint<T>(ctx: MigrationContext, step: () => Promise<T>): Promise<Attempt<T>> {
  ctx.signal?.throwIfAborted();
  await ctx.pg.query('SAVEPOINT cutover_migration');
  try {
    const value = await step();
    await ctx.pg.query('RELEASE SAVEPOINT cutover_migration');
    return { ok: true, value };
  } catch (error) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    const rolledBack = await ctx.pg.query('ROLLBACK TO SAVEPOINT cutover_migration').then(() => true, () => false);
    if (!rolledBack) throw error;
    return { ok: false, error: errorInfo(error) };
  }
}

/** A SQLite step (synchronous): its value, or its error as data. */
export function trySqlite<T>(step: () => T): Attempt<T> {
  try {
    return { ok: true, value: step() };
  } catch (error) {
    return { ok: false, error: errorInfo(error) };
  }
}

/** Exactly, else ignoring case: how validate/sqlite-plan.ts pairs SQLite names with PostgreSQL's (pgloader folds to lower case). */
function byName<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((x) => x.name === name) ?? items.find((x) => x.name.toLowerCase() === name.toLowerCase());
}

/** The target table a SQLite table was loaded into, in the context's schema. */
export function targetTable(ctx: MigrationContext, sqliteName: string): CatalogTable | undefined {
  return byName(ctx.pgCatalog.tables.filter((t) => t.schema === ctx.schema), sqliteName);
}

/** The target column a SQLite column was loaded into. */
export function targetColumn(table: CatalogTable, sqliteName: string): CatalogColumn | undefined {
  return byName(table.columns, sqliteName);
}

/** `schema.name`, as data findings name a table. */
export function tableName(table: Pick<CatalogTable, 'schema' | 'name'>): string {
  return `${table.schema}.${table.name}`;
}

/** `FROM` target of a table: ONLY for a plain table (as validation reads it), the whole tree for a partitioned one. */
export function fromTable(table: CatalogTable, qualified: string): string {
  return table.kind === 'r' ? `ONLY ${qualified}` : qualified;
}
