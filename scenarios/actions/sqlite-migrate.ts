import { join, relative } from 'node:path';
import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import { checkMigration } from '../../validate/migration-checks.js';
import { migrationSpecSchema } from '../../validate/migration-spec.js';
import type { DatetimeEncoding } from '../../validate/sqlite-forms.js';
import { validateSqlite } from '../../validate/sqlite-validation.js';
import { loadSqlite } from '../sqlite/builtin-loader.js';
import { findPgloader, runPgloader } from '../sqlite/pgloader-loader.js';
import { defineAction, type ActionContext } from './action-types.js';
import { commandAction } from './command.js';
import { durationParam } from './duration-param.js';

const DATETIME_ENCODINGS = ['unix-seconds', 'unix-ms', 'julian-day'] as const;

/** `table.column` as the overrides name a column. */
const columnName = z.string().regex(/^[^.]+\.[^.]+$/, 'expected "table.column"');

/**
 * `sqlite-migrate`: the move off SQLite. The application is stopped (no soak runs through this
 * step: its duration is the write freeze), the file is loaded into green by pgloader, cutover's
 * built-in loader or the user's own command, then validated row by row against the file and
 * measured against the rollback matrix (validate/migration-*.ts). The step fails only when the
 * load fails: differences are findings, decided by the gate.
 */
export const sqliteMigrateAction = defineAction({
  name: 'sqlite-migrate',
  summary: "load blue's SQLite file into green (pgloader, the built-in loader or your command), validate it row by row and measure the rollback matrix",
  params: z
    .object({
      loader: z.enum(['auto', 'builtin', 'pgloader']).default('auto').describe('`auto`: pgloader when it is installed, else the built-in loader. Ignored with `command`.'),
      command: z
        .string()
        .min(1)
        .optional()
        .describe('Your own loader instead (a copy script, `alembic upgrade head && python copy.py`), run by /bin/sh -c with CUTOVER_SQLITE_PATH, DATABASE_URL and PG* variables naming the two sides.'),
      timeout: durationParam({ minMs: 1, maxMs: 48 * 3_600_000 }).default(7_200_000).describe('Longest the load may take; then it is stopped and the step fails.'),
      schema: z.string().min(1).default('public').describe('The PostgreSQL schema the tables are loaded into.'),
      columns: z
        .record(columnName, z.object({ type: z.string().min(1).optional(), datetime: z.enum(DATETIME_ENCODINGS).optional() }).strict())
        .optional()
        .describe("The built-in loader's type of a column (`resources.score: { type: numeric }`), and how numbers in a datetime column are read."),
      datetime: z.record(columnName, z.enum(DATETIME_ENCODINGS)).optional().describe('How the validation reads numbers stored in a datetime column (default: as the built-in loader read them, else unix seconds).'),
      validate: z.boolean().default(true).describe('Validate the rows and measure the rollback matrix after the load.'),
    })
    .strict(),
  // `auto` is named by what it will run here: pgloader when it is on PATH.
  title: (p) => `move off SQLite (${p.command ? 'your command' : p.loader === 'builtin' || (p.loader === 'auto' && !findPgloader()) ? 'built-in loader' : 'pgloader'})`,
  validate(scenario, p) {
    if (scenario.blue.provider !== 'sqlite') return [`needs blue to be a SQLite file ({ provider: sqlite, file: PATH }), got provider "${scenario.blue.provider}"`];
    if (p.loader === 'pgloader' && !p.command && !findPgloader()) return ['loader "pgloader": pgloader is not on PATH; install it (Debian: apt-get install pgloader) or use loader: builtin'];
    return [];
  },
  async run(ctx, p) {
    const source = ctx.source;
    if (!source) throw new CutoverError('internal', 'sqlite-migrate: the run has no SQLite source');
    const green = ctx.topology.get('green');
    const target = green.endpoint();
    ctx.detail('writeFreeze', true);
    ctx.phase('load');
    const loaded = await load(ctx, p, source, target);
    if (!p.validate) return;
    ctx.phase('validate');
    const datetime = { ...loaded.datetime, ...p.datetime };
    const result = await validateSqlite({ source, target, targetSchema: p.schema, datetime, label: 'blue', signal: ctx.signal });
    ctx.recordData?.({ source: 'blue', target: 'green', at: 'after-step', result });
    const s = result.summary;
    ctx.log(`data: ${result.outcome.toUpperCase()} (${s.tables} table(s), ${s.different} differ, ${s.missing} missing) in ${result.durationMs} ms`);
    ctx.phase('rollback-matrix');
    const spec = migrationSpecSchema.parse(ctx.scenario.migration ?? {});
    const matrix = await checkMigration({ source, target, schema: p.schema, validation: result, spec, signal: ctx.signal, log: ctx.log });
    ctx.recordMigration?.({ loader: loaded.loader, result: matrix });
  },
});

type Params = z.output<typeof sqliteMigrateAction.params>;

/** Loads the file by the chosen loader; returns which ran and the datetime encodings it used. */
async function load(ctx: ActionContext, p: Params, source: SqliteLocation, target: Endpoint): Promise<{ loader: string; datetime: Record<string, DatetimeEncoding> }> {
  if (p.command) {
    ctx.detail('loader', 'command');
    const env = { CUTOVER_SQLITE_PATH: source.path, DATABASE_URL: databaseUrl(target), CUTOVER_TARGET_SCHEMA: p.schema };
    await commandAction.run(ctx, { run: p.command, timeout: p.timeout, env });
    return { loader: 'command', datetime: {} };
  }
  const pgloader = p.loader === 'builtin' ? undefined : findPgloader();
  if (pgloader) {
    const dir = await ctx.artifactDir();
    const logFile = join(dir, 'pgloader.log');
    ctx.detail('log', relative(ctx.runDir, logFile));
    // The terminal gets pgloader's errors and its total; its whole output is in pgloader.log.
    const log = (line: string): void => {
      if (/\b(ERROR|FATAL|WARNING)\b|Total import time/.test(line)) ctx.log(`pgloader: ${line.trim()}`);
    };
    const ran = await withTimeout(ctx, p.timeout, (signal) => runPgloader({ source, target, schema: p.schema, logFile, binary: pgloader, signal, log }));
    ctx.detail('loader', `pgloader ${ran.version}`);
    ctx.detail('tables', ran.tables);
    return { loader: `pgloader ${ran.version}`, datetime: {} };
  }
  if (p.loader === 'auto') ctx.log('sqlite-migrate: pgloader is not installed; loading with the built-in loader');
  const columns = p.columns ?? {};
  const ran = await withTimeout(ctx, p.timeout, (signal) => loadSqlite({ source, target, schema: p.schema, columns, signal, log: ctx.log }));
  ctx.detail('loader', 'builtin');
  ctx.detail('tables', ran.tables);
  if (ran.fullText.length) ctx.detail('fullText', ran.fullText);
  return { loader: 'builtin', datetime: ran.datetime };
}

/** Runs a load with the step's signal and its timeout: whichever comes first stops it. */
async function withTimeout<T>(ctx: ActionContext, timeoutMs: number, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await body(AbortSignal.any([ctx.signal, timeout]));
  } catch (error) {
    if (timeout.aborted && !ctx.signal.aborted) throw new CutoverError('query', `the load took longer than its timeout (${timeoutMs} ms)`, { cause: error });
    throw error;
  }
}

/** A `postgresql://` URL of an endpoint for a user's loader (its password included: it goes into the environment only). */
function databaseUrl(e: Endpoint): string {
  const auth = `${encodeURIComponent(e.user)}${e.password !== undefined ? `:${encodeURIComponent(e.password)}` : ''}@`;
  return `postgresql://${auth}${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}/${encodeURIComponent(e.database)}?sslmode=${e.sslmode}`;
}
