import { CutoverError, errorInfo, type ErrorInfo } from '../core/errors.js';
import { type Endpoint, publicEndpoint } from '../core/endpoint.js';
import type { Session } from '../core/session.js';
import { MAX_JOBS, openSideSessions } from './side-sessions.js';
import { readCatalog } from './catalog.js';
import { compareTable, DEFAULT_COMPARE, type CompareOptions, type Sides, type TableProgress } from './compare-table.js';
import { summariseTables, tableResult, type TableResult, type ValidationResult } from './result.js';
import { planValidation, type TablePlan, type UnplannedTable } from './table-plan.js';
import type { TableGroup } from './table-groups.js';
import type { TablePattern } from './table-patterns.js';

export interface ValidateOptions {
  source: Endpoint;
  target: Endpoint;
  /** Tables to compare (all user tables when empty). */
  tables?: readonly TablePattern[];
  exclude?: readonly TablePattern[];
  /** Tables without a key whose rows are grouped by given columns (--group-by). */
  groupBy?: readonly TableGroup[];
  /** Schemas never compared besides the system's; default the soak's own `cutover` (its ledger covers it). */
  excludeSchemas?: readonly string[];
  compare?: Partial<CompareOptions>;
  /** Sessions per side sharing its snapshot, between which each large table's scans are split. Default 2. */
  jobs?: number;
  /** Per statement; one digest scans a whole table. Default 1 hour. (Lock waits: 2 s, then that table is an error.) */
  statementTimeoutMs?: number;
  signal?: AbortSignal;
  /** Progress: at the start, as each table starts, after its digest scans and each batch of rows, as it ends (called in line, not awaited; what it throws is ignored). */
  onProgress?: (progress: ValidationProgress) => void;
  /** Called as each table ends (awaited). */
  onTable?: (result: TableResult) => void | Promise<void>;
}

/** Where a validation is: for progress lines (tables done of all, rows compared so far on the source side, differences so far). */
export interface ValidationProgress {
  tablesDone: number;
  tablesTotal: number;
  /** The table being compared, when one is. */
  table?: string;
  rowsCompared: number;
  differences: number;
  elapsedMs: number;
}

/** The soak's schema (DESIGN.md, Workload): its ledger proves its rows, validation skips it. */
export const DEFAULT_EXCLUDED_SCHEMAS = ['cutover'];

/** Sessions per side by default: what PostgreSQL's own parallel scan uses by default (a leader and 2 workers) on a server the harness does not know. */
export const DEFAULT_JOBS = 2;

/**
 * Compares the data of two databases, read-only on both: each side is read over one connection
 * inside one REPEATABLE READ READ ONLY transaction, so every table of a side is read as of one instant.
 * A table that cannot be compared (permission denied, no common form for a column) is an `error`
 * result and the others go on. A failure of a session itself (a server gone) or Ctrl-C mid-way
 * stops the run: the tables compared so far keep their results, the rest are listed as not
 * compared, and `stopped` says why. Failing to connect or to read the catalogs throws.
 */
export async function validateData(options: ValidateOptions): Promise<ValidationResult> {
  const startedAt = new Date();
  const started = performance.now();
  const compare = { ...DEFAULT_COMPARE, ...options.compare };
  const sessionOptions = { statementTimeoutMs: options.statementTimeoutMs ?? 3_600_000, lockTimeoutMs: 2_000, applicationName: 'cutover validate', signal: options.signal };
  const jobs = options.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) throw new CutoverError('usage', `jobs must be a whole number from 1 to ${MAX_JOBS}, got ${jobs}`);
  await using source = await openSideSessions(options.source, sessionOptions, jobs);
  await using target = await openSideSessions(options.target, sessionOptions, jobs);
  const sides: Sides = { source, target };
  // Ctrl-C closes every connection at once: the queries in flight fail now, not at their end.
  const closeOnAbort = (): void => void Promise.all([source.close(), target.close()]);
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  await using _stopListening = { [Symbol.asyncDispose]: async () => options.signal?.removeEventListener('abort', closeOnAbort) };
  const [sourceVersion, targetVersion] = [source.sessions[0].serverVersion, target.sessions[0].serverVersion];
  const excluded = options.excludeSchemas ?? DEFAULT_EXCLUDED_SCHEMAS;
  const [sourceCatalog, targetCatalog] = await Promise.all([readCatalog(source.sessions[0], excluded), readCatalog(target.sessions[0], excluded)]).catch((error: unknown) => {
    // Interrupted while reading the catalogs: nothing was compared, say so rather than "session closed".
    throw options.signal?.aborted ? options.signal.reason : error;
  });
  const plan = planValidation(sourceCatalog, targetCatalog, options.tables ?? [], options.exclude ?? [], options.groupBy ?? []);
  const notes = sourceCatalog.encoding === targetCatalog.encoding ? [] : [`server encodings differ (${sourceCatalog.encoding} on the source, ${targetCatalog.encoding} on the target): text compares as each server's bytes`];
  for (const [side, sessions] of [['source', source], ['target', target]] as const) if (sessions.note) notes.push(`${side}: ${sessions.note}`);

  const tables: TableResult[] = plan.unplanned.map(unplannedResult);
  for (const t of tables) await options.onTable?.(t);
  // Progress counts every table (those on one side only are done at once) and the rows and
  // differences of the tables done plus the one being compared.
  const done = { tables: tables.length, rows: 0, differences: 0 };
  const tablesTotal = plan.unplanned.length + plan.tables.length;
  const report = (table: string | undefined, current: TableProgress = { rows: 0, differences: 0 }): void => {
    if (!options.onProgress) return;
    try {
      options.onProgress({
        tablesDone: done.tables,
        tablesTotal,
        ...(table === undefined ? {} : { table }),
        rowsCompared: done.rows + current.rows,
        differences: done.differences + current.differences,
        elapsedMs: Math.round(performance.now() - started),
      });
    } catch {
      // A progress line that fails must not stop a validation.
    }
  };
  report(undefined);
  let stopped: { info: ErrorInfo; short: string } | undefined;
  for (const table of plan.tables) {
    const name = `${table.schema}.${table.name}`;
    let result: TableResult;
    const notCompared = (reason: string): TableResult => ({ ...unplannedResult({ schema: table.schema, name: table.name, status: 'error', reason }), key: table.key });
    if (stopped) {
      result = notCompared(`not compared: the validation stopped (${stopped.short})`);
    } else {
      try {
        options.signal?.throwIfAborted();
        report(name);
        result = await compareWithSavepoint(table, sides, compare, (p) => report(name, p));
      } catch (error) {
        // The run's own failure (a server gone, Ctrl-C): what was compared stays, the rest is listed as not compared.
        const cause: unknown = options.signal?.aborted ? options.signal.reason : error;
        stopped = { info: errorInfo(cause), short: shortMessage(cause) };
        result = { ...notCompared(`not compared: ${stopped.short}`), error: stopped.info };
      }
    }
    result.notes.unshift(...notes);
    tables.push(result);
    done.tables++;
    done.rows += result.sourceRows ?? 0;
    done.differences += result.missing + result.extra + result.changed;
    report(undefined);
    await options.onTable?.(result);
  }
  // Read-only: ending the snapshot cannot lose anything, so a failure here changes no result.
  if (!stopped) await both(sides, (s) => s.query('COMMIT')).catch(() => {});
  // Code-point order: the same on every machine, whatever its locale.
  tables.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  const summary = summariseTables(tables);
  return {
    source: { endpoint: publicEndpoint(options.source), version: sourceVersion },
    target: { endpoint: publicEndpoint(options.target), version: targetVersion },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    tables,
    summary,
    ...(stopped ? { stopped: stopped.info } : {}),
    outcome: stopped ? 'incomplete' : summary.different + summary.missing > 0 ? 'different' : summary.errors > 0 ? 'incomplete' : 'equal',
  };
}

/**
 * One table inside a savepoint on each side: a table's own failure (permission denied, a lock
 * timeout) is its result and the snapshot goes on; when the savepoint cannot be rolled back the
 * session itself is lost, and the error is the run's.
 */
async function compareWithSavepoint(table: TablePlan, sides: Sides, compare: CompareOptions, onProgress: (p: TableProgress) => void): Promise<TableResult> {
  await both(sides, (s) => s.query('SAVEPOINT cutover_table'));
  try {
    const result = await compareTable(table, sides, compare, onProgress);
    await both(sides, (s) => s.query('RELEASE SAVEPOINT cutover_table'));
    return result;
  } catch (error) {
    await both(sides, (s) => s.query('ROLLBACK TO SAVEPOINT cutover_table')).catch(() => {
      throw error;
    });
    return { ...unplannedResult({ schema: table.schema, name: table.name, status: 'error', reason: shortMessage(error) }), error: errorInfo(error), key: table.key, notes: [...table.notes] };
  }
}

/** On every session of both sides. */
async function both(sides: Sides, run: (s: Session) => Promise<unknown>): Promise<void> {
  await Promise.all([...sides.source.sessions, ...sides.target.sessions].map(run));
}

function shortMessage(error: unknown): string {
  return error instanceof CutoverError ? error.shortMessage : error instanceof Error ? error.message : String(error);
}

function unplannedResult(t: UnplannedTable): TableResult {
  return tableResult({ schema: t.schema, name: t.name, status: t.status, key: [], localised: false, reason: t.reason });
}
