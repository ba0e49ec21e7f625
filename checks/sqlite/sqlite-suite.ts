import { stat } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CutoverError } from '../../core/errors.js';
import { quoteSqlite, readSqliteCatalog, readSqliteForeignKeys, readSqliteIndexes, readSqlitePrimaryKey, type SqliteCatalog } from '../../core/sqlite-catalog.js';
import { openSqliteFile, type SqliteFile } from '../../core/sqlite-file.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import { toolVersion } from '../../core/tool-version.js';
import { describeFullText } from './full-text.js';
import { readForeignKeyViolations } from './foreign-key-check.js';
import { readIntegrity } from './integrity.js';
import { readMixedTypes } from './mixed-types.js';
import { SQLITE_SNAPSHOT_SCHEMA_VERSION, type SqliteCheckId, type SqliteCheckOutcome, type SqliteSnapshot, type SqliteSnapshotFullText, type SqliteSnapshotTable } from './sqlite-snapshot.js';
import { sqliteReason } from './sqlite-reason.js';

export interface SqliteSuiteOptions {
  /** Names the option in messages, e.g. `--db`. */
  label: string;
  /** Stops the suite between two checks or two tables (a running SQLite statement is not interrupted). */
  signal?: AbortSignal;
  /** Called as each check ends: its id, whether it could look, its time, and why not. */
  onCheck?: (id: string, ok: boolean, ms: number, reason?: string) => void;
}

/**
 * Runs the SQLite suite on a file opened read-only: its schema (tables, columns, indexes, foreign
 * keys, full-text indexes), the full integrity check, exact row counts, the foreign key check
 * and the values stored against their column's affinity. A check that cannot look is recorded
 * with its reason and the others go on; a file that cannot be opened or whose schema cannot be
 * read throws (`input`, exit 2; locked: `connect`, exit 3).
 */
export async function runSqliteSuite(location: SqliteLocation, options: SqliteSuiteOptions): Promise<SqliteSnapshot> {
  const started = performance.now();
  const takenAt = new Date().toISOString();
  using file = await openSqliteFile(location, { label: options.label });
  const sizeBytes = (await stat(location.path)).size;
  const pragma = (name: string): unknown => file.db.pragma(name, { simple: true });
  const header = { pageSize: Number(pragma('page_size')), pageCount: Number(pragma('page_count')), journalMode: String(pragma('journal_mode')), encoding: String(pragma('encoding')), userVersion: Number(pragma('user_version')) };

  const checks = {} as Record<SqliteCheckId, SqliteCheckOutcome>;
  const step = async <T>(id: SqliteCheckId, run: (problems: string[]) => T | Promise<T>, fallback: T): Promise<T> => {
    await nextTurn();
    options.signal?.throwIfAborted();
    const t0 = performance.now();
    const problems: string[] = [];
    let value = fallback;
    try {
      value = await run(problems);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (id === 'sqlite/schema') throw new CutoverError('input', `${options.label} ${location.text}: cannot read its schema (SQLite ${sqliteReason(error)}) (${location.path})`, { cause: error });
      problems.push(sqliteReason(error));
    }
    const durationMs = Math.round(performance.now() - t0);
    checks[id] = problems.length === 0 ? { status: 'ok', durationMs } : { status: 'error', durationMs, reason: problems.join('; ') };
    options.onCheck?.(id, problems.length === 0, durationMs, checks[id].reason);
    return value;
  };

  // One read transaction: the counts, the keys and the integrity check describe one moment even while an app writes.
  file.db.exec('BEGIN');
  try {
    const { catalog, tables, fullText } = await step('sqlite/schema', () => readSchema(file), { catalog: { tables: [], fullText: [], otherVirtual: [] }, tables: [], fullText: [] });
    // Not ok unless it ran: a check that could not look proves nothing (its reason is in `checks`).
    const integrity = await step('sqlite/integrity', () => readIntegrity(file), { ok: false, messages: [] });
    await step('sqlite/row-counts', async (problems) => {
      for (const table of tables) {
        await nextTurn();
        options.signal?.throwIfAborted();
        try {
          table.rows = file.db.prepare(`SELECT count(*) FROM ${quoteSqlite(table.name)}`).pluck().get() as number;
        } catch (error) {
          table.countError = sqliteReason(error);
          problems.push(`${table.name}: ${table.countError}`);
        }
      }
    }, undefined);
    const foreignKeyViolations = await step('sqlite/foreign-keys', () => readForeignKeyViolations(file, tables, options.signal), { count: 0, byTable: [], notChecked: [] });
    await step('sqlite/affinity', async (problems) => {
      for (const [i, table] of tables.entries()) {
        await nextTurn();
        options.signal?.throwIfAborted();
        try {
          const mixed = readMixedTypes(file, catalog.tables[i]!);
          for (const column of table.columns) {
            const found = mixed.get(column.name);
            if (found) column.mixedTypes = found;
          }
        } catch (error) {
          problems.push(`${table.name}: ${sqliteReason(error)}`);
        }
      }
    }, undefined);
    return {
      kind: 'sqlite',
      schemaVersion: SQLITE_SNAPSHOT_SCHEMA_VERSION,
      tool: { name: 'cutover', version: toolVersion() },
      file: location.path,
      sqliteVersion: file.sqliteVersion,
      takenAt,
      durationMs: Math.round(performance.now() - started),
      sizeBytes,
      ...header,
      checks,
      tables,
      fullText,
      otherVirtual: catalog.otherVirtual,
      integrity,
      foreignKeyViolations,
    };
  } finally {
    // Nothing was written: ending the read is all. After a malformed read SQLite may refuse even
    // that; closing the file ends it then.
    try {
      if (file.db.inTransaction) file.db.exec('ROLLBACK');
    } catch {
      file.close();
    }
  }
}

/** The catalog, each table as the snapshot shows it before its rows are counted, and the full-text indexes. */
function readSchema(file: SqliteFile): { catalog: SqliteCatalog; tables: SqliteSnapshotTable[]; fullText: SqliteSnapshotFullText[] } {
  const catalog = readSqliteCatalog(file);
  const tables = catalog.tables.map((t): SqliteSnapshotTable => {
    const positions = readSqlitePrimaryKey(file, t.name);
    return {
      name: t.name,
      withoutRowid: t.withoutRowid,
      strict: t.strict,
      rows: 0,
      key: t.key,
      columns: t.columns.map((c) => ({ name: c.name, declared: c.declared, affinity: c.affinity, notNull: c.notNull, primaryKey: positions.get(c.name) ?? 0, generated: c.generated })),
      indexes: readSqliteIndexes(file, t.name),
      foreignKeys: readSqliteForeignKeys(file, t.name),
    };
  });
  return { catalog, tables, fullText: catalog.fullText.map((f) => describeFullText(file, f)) };
}
