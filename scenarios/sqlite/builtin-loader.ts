import { CutoverError } from '../../core/errors.js';
import { type Endpoint, describeEndpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import { readSqliteCatalog, type SqliteCatalog } from '../../core/sqlite-catalog.js';
import { openSqliteFile } from '../../core/sqlite-file.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import type { DatetimeEncoding } from '../../validate/sqlite-forms.js';
import { qualifiedName, quoteIdent } from '../../validate/sql-ident.js';
import type { ColumnMapping, ColumnOverride } from './column-mapping.js';
import { checkOverrides, planColumns, resolveOverrideTypes } from './builtin-column-plan.js';
import { addForeignKeys, type ForeignKeyOutcome } from './builtin-foreign-keys.js';
import { planFullText, rebuiltFullText, type RebuiltFullText } from './builtin-full-text.js';
import { loadError, loadTable, type LoadTable } from './builtin-table-load.js';
import { readTableShape } from './builtin-table-shape.js';

export interface LoadSqliteOptions {
  source: SqliteLocation;
  target: Endpoint;
  /** The PostgreSQL schema the tables are created in (created when missing). Default `public`. */
  schema?: string;
  /** Per `table.column`: a PostgreSQL type instead of the declared type's, and how numbers in a date or time column are encoded. */
  columns?: Readonly<Record<string, ColumnOverride>>;
  /** Rows per INSERT. Default 5,000. */
  batchRows?: number;
  /** Names the file's option in errors. Default `--from`. */
  label?: string;
  signal?: AbortSignal;
  /** One line per table and per thing not copied. */
  log?: (line: string) => void;
}

export interface LoadResult {
  tables: { name: string; rows: number; ms: number }[];
  /** Full-text tables of the file rebuilt as GIN indexes on their base table. */
  fullText: RebuiltFullText[];
  /** Every loaded column: its declared type and the PostgreSQL type it got. */
  mapping: ColumnMapping[];
  /** The date and time columns holding numbers and their encoding: validateSqlite's `datetime` option. */
  datetime: Record<string, DatetimeEncoding>;
  foreignKeys: ForeignKeyOutcome[];
  durationMs: number;
}

/**
 * Loads a SQLite file into PostgreSQL, the file opened read-only and read inside one transaction
 * (one consistent moment of it). Each table is created with the types its declared types intend
 * (column-mapping.ts) and filled in its own transaction; foreign keys are added after the data,
 * full-text tables rebuilt as GIN indexes. A table that already exists in the target schema is
 * refused before anything is written: the load never mixes its rows with others. A failure (or
 * the signal) stops it with the tables already loaded committed and the one under way rolled back.
 */
export async function loadSqlite(options: LoadSqliteOptions): Promise<LoadResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const schema = options.schema ?? 'public';
  const columns = options.columns ?? {};
  const batchRows = options.batchRows ?? 5_000;
  if (schema.trim() === '') throw new CutoverError('usage', 'schema: expected a schema name, got ""');
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new CutoverError('usage', `batchRows: expected a whole number of rows above 0, got ${batchRows}`);
  options.signal?.throwIfAborted();
  using file = await openSqliteFile(options.source, { label: options.label ?? '--from' });
  const catalog = readSqliteCatalog(file);
  checkOverrides(catalog, columns, 'columns');
  checkNameLengths(catalog);
  const { plans: fullTextPlans, skipped: fullTextSkipped } = planFullText(file, catalog.fullText);

  await using pg = await openSession(options.target, { readOnly: false, statementTimeoutMs: 0, lockTimeoutMs: 10_000, applicationName: 'cutover load' });
  const closeOnAbort = (): void => void pg.close();
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const [server] = await pg.query<{ encoding: string }>(`SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()`);
    if (server?.encoding !== 'UTF8') throw new CutoverError('usage', `the target's database encoding is ${server?.encoding}: loading a SQLite file needs UTF8 (the file's texts are UTF-8)`);
    // Zone-less times in the file are UTC, as validation reads them; defaults are written as standard literals.
    await pg.query(`SET TimeZone = 'UTC'; SET standard_conforming_strings = on`);
    const resolved = await resolveOverrideTypes(pg, columns, 'columns');

    const mapping: ColumnMapping[] = [];
    const tables: LoadTable[] = catalog.tables.map((t) => {
      const plan = planColumns(file, t, columns, resolved, log);
      mapping.push(...plan.mapping);
      const shape = readTableShape(file, t);
      return { name: t.name, columns: plan.columns, key: shape.primaryKey, shape };
    });
    const fullText = rebuiltFullText(fullTextPlans, tables, log);
    for (const s of fullTextSkipped) log(`${s.name}: full-text index not rebuilt: ${s.reason}`);
    for (const v of catalog.otherVirtual) log(`${v.name}: a virtual table (${v.module}), not copied`);
    await prepareSchema(pg, options.target, schema, [...tables.map((t) => t.name), ...tables.flatMap((t) => t.shape.indexes.filter((i) => i.origin === 'c' && !i.skipped).map((i) => i.name)), ...fullText.map((f) => f.index)], log);
    logNotCopied(file.db.prepare(`SELECT type, name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type, name`).all() as { type: string; name: string }[], log);

    const loaded: LoadResult['tables'] = [];
    // One read transaction: every table is read at the same moment of the file. (In rollback-journal
    // mode the application's writes wait until the load ends: the move is a write freeze anyway.)
    file.db.exec('BEGIN');
    try {
      for (const table of tables) {
        options.signal?.throwIfAborted();
        const t0 = performance.now();
        const rows = await loadTable(pg, file, table, { schema, batchRows, log, ...(options.signal ? { signal: options.signal } : {}) });
        await pg.query(`ANALYZE ${qualifiedName(schema, table.name)}`);
        const ms = Math.round(performance.now() - t0);
        loaded.push({ name: table.name, rows, ms });
        log(`${table.name}: ${rows.toLocaleString('en-US')} rows in ${ms.toLocaleString('en-US')} ms (${Math.round(rows / Math.max(ms, 1) * 1000).toLocaleString('en-US')} rows/s)`);
      }
    } finally {
      if (file.db.inTransaction) file.db.exec('COMMIT');
    }
    const foreignKeys = await addForeignKeys(pg, schema, tables, log);
    for (const f of fullText) {
      options.signal?.throwIfAborted();
      await pg.query(`CREATE INDEX ${quoteIdent(f.index)} ON ${qualifiedName(schema, f.table)} USING gin (${f.expression})`).catch((error: unknown) => {
        throw loadError(error, `${f.name}: creating its GIN index`);
      });
      log(`${f.name}: rebuilt as the GIN index ${f.index} on ${f.table}: ${f.expression}`);
    }
    const datetime = Object.fromEntries(mapping.flatMap((m) => (m.datetime ? [[`${m.table}.${m.column}`, m.datetime] as const] : [])));
    return { tables: loaded, fullText, mapping, datetime, foreignKeys, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', closeOnAbort);
  }
}

/**
 * Creates the schema when missing; refuses, naming them, relations the load would create that
 * already exist there (a table loaded twice, or the application's own).
 */
async function prepareSchema(pg: Session, target: Endpoint, schema: string, names: string[], log: (line: string) => void): Promise<void> {
  const [exists] = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schema]);
  if (!exists?.n) {
    await pg.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    log(`schema ${schema} created in ${describeEndpoint(target)}`);
    return;
  }
  const taken = await pg.query<{ relname: string; kind: string }>(
    `SELECT c.relname, CASE c.relkind WHEN 'i' THEN 'an index' WHEN 'I' THEN 'an index' WHEN 'v' THEN 'a view' WHEN 'S' THEN 'a sequence' ELSE 'a table' END AS kind
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) ORDER BY array_position($2::text[], c.relname::text)`,
    [schema, names],
  );
  if (taken.length > 0) {
    const problems = taken.map((t) => `${t.kind} named ${t.relname} already exists in schema ${schema} of ${describeEndpoint(target)}`);
    throw new CutoverError('usage', `${problems[0]}: the load creates its own tables and never adds rows to existing ones (drop it, or load into another schema)`, { problems });
  }
}

/** PostgreSQL's identifiers hold 63 bytes; a longer name would be cut and no longer pair with the file's. */
function checkNameLengths(catalog: SqliteCatalog): void {
  const tooLong = (name: string): boolean => Buffer.byteLength(name, 'utf8') > 63;
  const problems: string[] = [];
  for (const t of catalog.tables) {
    if (tooLong(t.name)) problems.push(`table ${t.name}: its name is longer than PostgreSQL's 63 bytes`);
    for (const c of t.columns) if (tooLong(c.name)) problems.push(`column ${t.name}.${c.name}: its name is longer than PostgreSQL's 63 bytes`);
  }
  if (problems.length > 0) throw new CutoverError('input', `${problems[0]} (PostgreSQL would cut it)`, { problems });
}

function logNotCopied(objects: { type: string; name: string }[], log: (line: string) => void): void {
  for (const type of ['trigger', 'view']) {
    const names = objects.filter((o) => o.type === type).map((o) => o.name);
    if (names.length > 0) log(`${type}s not copied (their bodies are SQLite SQL): ${names.join(', ')}`);
  }
}
