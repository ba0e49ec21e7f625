import { accessSync, constants, statSync } from 'node:fs';
import { access, chmod, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';

/** The message when pgloader is missing: what to install, or what to use instead. */
export const PGLOADER_NOT_FOUND = 'pgloader not found on PATH; install it (Debian: apt-get install pgloader) or use loader: builtin';

/** Lines of pgloader's output quoted in the short error; the full error keeps `FULL_LINES`. */
const TAIL_LINES = 3;
const FULL_LINES = 200;

export interface PgloaderOptions {
  /** The SQLite file to load; pgloader only reads it. */
  source: SqliteLocation;
  /** The database to load into; its password reaches pgloader in PGPASSWORD, never in a file or on the command line. */
  target: Endpoint;
  /** The PostgreSQL schema the tables are created in (created when absent). Default `public`. */
  schema?: string;
  /** Where pgloader's console output is written as it runs (kept after the run). */
  logFile: string;
  /** The pgloader program. Default: `pgloader` found on PATH. */
  binary?: string;
  /** Rules of the command's CAST clause, one per item (`type timestamp to bigint drop typemod`); default none, pgloader's own rules. */
  cast?: readonly string[];
  /** Aborting kills pgloader's process group (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** Each line pgloader prints, as it prints it. */
  log?: (line: string) => void;
}

/** One line of pgloader's summary: rows loaded and errors counted (an error may lose a whole batch of rows). */
export interface PgloaderCount {
  name: string;
  rows: number;
  errors: number;
}

export interface PgloaderResult {
  durationMs: number;
  /** What `pgloader --version` says (Debian's 3.6.9-1 says `3.6.7~devel`). */
  version: string;
  /** Each table copied, as pgloader's summary counts it. */
  tables: PgloaderCount[];
  /** The steps before and after the copy (`Create tables`, `Create Foreign Keys`…), as the summary counts them. */
  steps: PgloaderCount[];
  /** pgloader's ERROR lines (it exits 0 after data errors: they are only in its output and the counts). */
  errorLines: string[];
}

/** The pgloader program on PATH, or undefined. */
export function findPgloader(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'pgloader');
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/** Synchronous on purpose: a PATH lookup, e.g. for a test's skipIf, before anything runs. */
function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads a SQLite file into PostgreSQL with pgloader and the command file a team typically writes
 * (`include no drop, create tables, create indexes, reset sequences`, `SET search_path` to the
 * schema), keeps pgloader's output in `logFile`, and returns its summary's counts. pgloader exits
 * 0 after data errors (a bad value loses its batch of rows): they are in the counts and
 * `errorLines`, for the caller and the validation to judge. A non-zero exit, or a FATAL line, is a
 * CutoverError with pgloader's exit code and its last lines.
 */
export async function runPgloader(options: PgloaderOptions): Promise<PgloaderResult> {
  const binary = options.binary ?? findPgloader();
  if (binary === undefined) throw new CutoverError('usage', PGLOADER_NOT_FOUND);
  await access(options.source.path, constants.R_OK).catch((error: unknown) => {
    throw new CutoverError('usage', `the SQLite file ${options.source.text} cannot be read (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  });
  const command = loadCommand(options);
  // SBCL takes its default external format from the locale: UTF-8 whatever the user's is.
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8' };
  if (options.target.password !== undefined) env.PGPASSWORD = options.target.password;
  else delete env.PGPASSWORD;
  // pgloader's reject files and internal log go to a private directory, not the shared /tmp/pgloader
  // (which it creates even for --version).
  const work = await mkdtemp(join(tmpdir(), 'cutover-pgloader-'));
  try {
    await chmod(work, 0o700);
    const own = ['--root-dir', join(work, 'root'), '--logfile', join(work, 'pgloader.log')];
    const version = await pgloaderVersion(binary, own, env);
    const commandFile = join(work, 'load.load');
    await writeFile(commandFile, command, { mode: 0o600 });
    const result = await runLogged(binary, [...own, commandFile], env, options);
    if (options.signal?.aborted) {
      const reason: unknown = options.signal.reason;
      const why = reason instanceof Error && reason.name !== 'AbortError' ? ` (${reason.message})` : '';
      throw new CutoverError('interrupted', `pgloader interrupted${why}: its process group was terminated`, { cause: reason });
    }
    const output = redact(`${result.stdout}${result.stderr ? `\n${result.stderr}` : ''}`, options.target.password);
    const lines = output.split('\n');
    const fatal = lines.some((l) => /^\S+ FATAL /.test(l));
    if (result.exitCode !== 0 || fatal) throw pgloaderFailure(result, lines, options);
    const summary = parsePgloaderSummary(output);
    return { durationMs: Math.round(result.durationMs), version, ...summary, errorLines: lines.filter((l) => /^\S+ ERROR /.test(l)).map((l) => l.replace(/^\S+ ERROR /, '')) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The command file: the load a team typically writes for an app's SQLite file. */
export function loadCommand(options: Pick<PgloaderOptions, 'source' | 'target' | 'schema' | 'cast'>): string {
  const schema = options.schema ?? 'public';
  const lines = [`LOAD DATABASE`, `  FROM sqlite://${sqlitePath(options.source)}`, `  INTO ${pgloaderUrl(options.target)}`, `  WITH include no drop, create tables, create indexes, reset sequences`];
  if (schema !== 'public') lines.push(`  SET search_path TO '${quoteIdent(schema).replaceAll("'", "''")}'`);
  if (options.cast?.length) lines.push(`  CAST ${options.cast.join(',\n       ')}`);
  if (schema !== 'public') lines.push(`  BEFORE LOAD DO $$ CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; $$`);
  return `${lines.join('\n')};\n`;
}

function quoteIdent(name: string): string {
  if (name.includes('$$')) throw new CutoverError('usage', `schema ${JSON.stringify(name)}: pgloader's command file cannot take a name with $$`);
  return `"${name.replaceAll('"', '""')}"`;
}

function sqlitePath(source: SqliteLocation): string {
  if (!/^\/[\w./+-]*$/.test(source.path)) {
    throw new CutoverError('usage', `the SQLite file ${source.text}: pgloader's command syntax takes an absolute path of letters, digits and ./_+- only, got ${JSON.stringify(source.path)}`);
  }
  return source.path;
}

/**
 * The target as pgloader's connection string, without the password (pgloader reads PGPASSWORD).
 * Its syntax doubles `:` and `@` in a user name and takes a plain database name, a TCP host only.
 */
export function pgloaderUrl(target: Endpoint): string {
  if (target.host.startsWith('/') || target.host.includes(':')) {
    throw new CutoverError('usage', `the target's host ${target.host}: pgloader is given a host name or an IPv4 address here, not a socket directory or an IPv6 address`);
  }
  if (!/^[A-Za-z_][\w,-]*$/.test(target.database)) {
    throw new CutoverError('usage', `the target's database ${JSON.stringify(target.database)}: pgloader takes a letter or _ followed by letters, digits, _, - or ,`);
  }
  if (target.sslmode === 'verify-ca' || target.sslmode === 'verify-full') {
    throw new CutoverError('usage', `the target's sslmode ${target.sslmode}: pgloader 3.6 knows disable, allow, prefer and require only`);
  }
  const user = target.user.replaceAll(':', '::').replaceAll('@', '@@');
  return `postgresql://${user}@${target.host}:${target.port}/${target.database}?sslmode=${target.sslmode}`;
}

async function pgloaderVersion(binary: string, own: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runCommand(binary, [...own, '--version'], { env, timeoutMs: 30_000 });
  const v = /version "([^"]+)"/.exec(r.stdout);
  if (r.exitCode !== 0 || !v?.[1]) throw new CutoverError('provision', `${binary} --version did not say its version (${r.exitCode === 0 ? r.stdout.trim().split('\n')[0] : `exit ${r.exitCode ?? r.signal}`})`, { tool: toolFailure(r) });
  return v[1];
}

/** Runs pgloader with its console output written to the log file and passed on line by line as it arrives. */
async function runLogged(binary: string, args: string[], env: NodeJS.ProcessEnv, options: PgloaderOptions): Promise<RunResult> {
  const cannot = (error: unknown): CutoverError =>
    new CutoverError('usage', `cannot write pgloader's log ${options.logFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  // Opened before pgloader starts, so a log that cannot be written stops the load before it begins.
  const handle = await open(options.logFile, 'w').catch((error: unknown) => {
    throw cannot(error);
  });
  const log = handle.createWriteStream();
  const closed = new Promise<void>((resolve, reject) => {
    log.once('close', resolve);
    log.once('error', (error) => reject(cannot(error)));
  });
  closed.catch(() => {}); // awaited (and thrown) below, once pgloader has ended
  let partial = '';
  const onOutput = (chunk: Buffer): void => {
    const text = redact(chunk.toString(), options.target.password);
    log.write(text);
    if (!options.log) return;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) options.log(line);
  };
  try {
    return await runCommand(binary, args, { env, ...(options.signal ? { signal: options.signal } : {}), onOutput });
  } finally {
    if (partial && options.log) options.log(partial);
    log.end();
    await closed;
  }
}

function pgloaderFailure(result: RunResult, lines: string[], options: PgloaderOptions): CutoverError {
  const said = errorTail(lines);
  const why = result.exitCode === null ? `was killed by ${result.signal}` : result.exitCode === 0 ? 'exited with 0 after a FATAL error' : `exited with ${result.exitCode}`;
  const short = `pgloader ${why}: ${said.join(' | ') || '(no output)'}`;
  const kept = lines.length > FULL_LINES ? [`(${lines.length - FULL_LINES} earlier lines in ${options.logFile})`, ...lines.slice(-FULL_LINES)] : lines;
  const tool = toolFailure(result);
  const code = lines.some((l) => l.includes('Failed to connect to pgsql')) ? 'connect' : 'query';
  return new CutoverError(code, short, {
    message: `${short}\n--- output (${options.logFile}) ---\n${kept.join('\n')}`,
    tool: { ...tool, stderrTail: redact(tool.stderrTail, options.target.password) },
  });
}

/** Lines pgloader prints around every error that say nothing about it. */
const BOILERPLATE = /^(KABOOM!|An unhandled error condition has been signalled:|What I am doing here\?|;.*)$/;

/**
 * The last lines that say what went wrong: its ERROR and FATAL lines when it logged any, else its
 * last words (a crash before logging); no boilerplate, no timestamps, and no line another one
 * contains (pgloader prints a crash's error three times, once with a class name in front).
 */
function errorTail(lines: readonly string[]): string[] {
  const logged = lines.filter((l) => /^\S+Z (ERROR|FATAL) /.test(l));
  const candidates = logged.length > 0 ? logged : lines.filter((l) => !/^\S+Z LOG /.test(l));
  const said = [...new Set(candidates.map((l) => l.trim().replace(/^\S+Z (ERROR|FATAL) /, '$1 ')).filter((l) => l && !BOILERPLATE.test(l)))];
  return said.filter((l) => !said.some((other) => other !== l && other.includes(l))).slice(-TAIL_LINES);
}

/**
 * The counts of pgloader's summary table: the section after the second rule is the tables, the
 * others (before the copy, after it) the steps; the total line is left out. Columns are cut where
 * the rule's dashes are, so a name with spaces stays whole.
 */
export function parsePgloaderSummary(output: string): { tables: PgloaderCount[]; steps: PgloaderCount[] } {
  const lines = output.split('\n');
  const header = lines.findLastIndex((l) => /^\s*table name\s+errors\s+rows\b/.test(l));
  if (header < 0) throw new CutoverError('query', 'pgloader printed no summary table (its output is in the log file)');
  const rule = lines[header + 1] ?? '';
  const spans = [...rule.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
  const cut = (line: string, i: number): string => {
    const span = spans[i];
    return span ? line.slice(i === 0 ? 0 : span[0], span[1]).trim() : '';
  };
  const sections: PgloaderCount[][] = [[]];
  for (const line of lines.slice(header + 2)) {
    if (/^-[-\s]+$/.test(line)) {
      sections.push([]);
      continue;
    }
    if (!line.trim()) break;
    const errors = Number(cut(line, 1));
    const rows = Number(cut(line, 2));
    if (!Number.isInteger(errors) || !Number.isInteger(rows)) break;
    sections[sections.length - 1]?.push({ name: cut(line, 0), rows, errors });
  }
  const [before = [], tables = [], after = []] = sections;
  return { tables, steps: [...before, ...after] };
}

/** Text with the password (as given and as percent-encoded) replaced by `***`. */
function redact(text: string, password: string | undefined): string {
  if (!password) return text;
  return text.replaceAll(password, '***').replaceAll(encodeURIComponent(password), '***');
}
