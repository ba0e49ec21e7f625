import { sideEngine, sidePlace } from '../validate/result.js';
import { CutoverError } from '../core/errors.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { parseSqliteLocation } from '../core/sqlite-location.js';
import type { DatetimeEncoding } from '../validate/sqlite-forms.js';
import { validateSqlite } from '../validate/sqlite-validation.js';
import { DEFAULT_JOBS, MAX_JOBS, parseTableGroups, parseTablePatterns, validateData, type TableResult, type ValidationProgress, type ValidationResult } from '../validate/index.js';
import { keyText } from '../validate/result.js';
import { buildValidateReport, validateExitCode, type ValidateReport } from '../reports/validate-report.js';
import { renderValidateHtml, renderValidateJson, renderValidateJunit, renderValidateMarkdown } from '../reports/validate-render.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { assertWritable } from './output-path.js';
import { writeOutput } from './write-output.js';
import { plain, type CliIo, type Style } from './io.js';

export interface ValidateCliOptions {
  source?: string;
  target?: string;
  tables?: string[];
  exclude?: string[];
  groupBy?: string[];
  jobs?: string;
  targetSchema?: string;
  datetime?: string[];
  config?: string;
  json?: string;
  html?: string;
  junit?: string;
  md?: string;
}

const OUTPUTS = [
  { option: 'json', flag: '--json', render: renderValidateJson },
  { option: 'html', flag: '--html', render: renderValidateHtml },
  { option: 'junit', flag: '--junit', render: renderValidateJunit },
  { option: 'md', flag: '--md', render: renderValidateMarkdown },
] as const;

/** Differences printed per table and kind; the rest are in --json. */
const LINES_PER_KIND = 5;
/** Failing finding ids named on the gate's line; all of them are in the files. */
const GATE_IDS = 5;

/**
 * Runs `cutover validate`; returns 0 equal (or every difference allowed by the gate), 1 a finding
 * fails the gate, 3 only tables not compared fail it or the run stopped, 130 interrupted.
 */
export async function runValidate(options: ValidateCliOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Everything is validated before the first connection opens.
  if (!options.source) throw new CutoverError('usage', '--source: required (the database the data comes from)');
  if (!options.target) throw new CutoverError('usage', '--target: required (the database to check)');
  const tables = parseTablePatterns(options.tables, '--tables');
  const exclude = parseTablePatterns(options.exclude, '--exclude');
  const groupBy = parseTableGroups(options.groupBy, '--group-by');
  const jobs = parseJobs(options.jobs);
  const outputs = OUTPUTS.flatMap((o) => {
    const path = options[o.option];
    return path === undefined ? [] : [{ ...o, path, file: assertWritable(o.flag, path) }];
  });
  const { config } = await loadCliConfig(options.config, runtime.cwd);
  const warn = (m: string): void => io.err(`cutover: warning: ${m}`);
  const sqlite = parseSqliteLocation(options.source, runtime.cwd);
  const datetime = parseDatetimeEncodings(options.datetime);
  if (!sqlite) {
    for (const [flag, given] of [['--target-schema', options.targetSchema], ['--datetime', options.datetime]] as const) {
      if (given !== undefined) throw new CutoverError('usage', `${flag}: only with a SQLite source (--source sqlite:PATH)`);
    }
  } else if (options.groupBy !== undefined || options.jobs !== undefined) {
    throw new CutoverError('usage', `${options.groupBy !== undefined ? '--group-by' : '--jobs'}: not with a SQLite source (--source ${options.source}) yet`);
  }
  const target = resolveEndpoint({ url: options.target, urlLabel: '--target' }, runtime.env, undefined, warn);

  const progress = new ValidateProgress(io);
  let result: ValidationResult;
  try {
    const common = { target, tables, exclude, signal: runtime.signal, onTable: (t: TableResult) => progress.table(t) };
    result = sqlite
      ? await validateSqlite({ ...common, source: sqlite, ...(options.targetSchema ? { targetSchema: options.targetSchema } : {}), datetime })
      : await validateData({
          ...common,
          source: resolveEndpoint({ url: options.source, urlLabel: '--source' }, runtime.env, undefined, warn),
          groupBy,
          jobs,
          onProgress: (p) => progress.update(p),
        });
  } finally {
    progress.close();
  }
  const report = buildValidateReport(result, config.gate);
  // A run that stopped part-way (a server gone, Ctrl-C) still writes what it compared.
  for (const o of outputs) await writeOutput(o.file, o.render(report));
  printSummary(runtime, report, outputs.map((o) => o.path));
  if (result.stopped) {
    const files = outputs.length ? ` (partial results in ${outputs.map((o) => plain(o.path)).join(', ')})` : '';
    io.err(`cutover: validation stopped: ${plain(result.stopped.message.split('\n')[0])}${files}`);
  }
  return validateExitCode(report);
}

const ENCODINGS: readonly DatetimeEncoding[] = ['unix-seconds', 'unix-ms', 'julian-day'];

/** `--datetime TABLE.COLUMN=ENCODING…`: how numbers in a SQLite column are read as timestamps. */
function parseDatetimeEncodings(texts: readonly string[] | undefined): Record<string, DatetimeEncoding> {
  const out: Record<string, DatetimeEncoding> = {};
  for (const text of texts ?? []) {
    const m = /^([^=]+\.[^=.]+)=(.+)$/.exec(text);
    const encoding = ENCODINGS.find((e) => e === m?.[2]);
    if (!m?.[1] || !encoding) throw new CutoverError('usage', `--datetime: expected TABLE.COLUMN=${ENCODINGS.join('|')}, got "${text}"`);
    out[m[1]] = encoding;
  }
  return out;
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_JOBS;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_JOBS) throw new CutoverError('usage', `--jobs: expected a whole number from 1 to ${MAX_JOBS}, got "${text}"`);
  return n;
}

/** How often a plain (not a terminal) progress line is printed while nothing else is. */
export const PLAIN_PROGRESS_MS = 5_000;
/** How often the terminal's progress line is redrawn (its elapsed time moves even inside one long table). */
const TTY_REDRAW_MS = 1_000;

/**
 * Progress on stderr: on a terminal one line rewritten in place (tables done of all, rows and
 * rows/s, differences so far, the table under way); otherwise one line per finished table and a
 * line every PLAIN_PROGRESS_MS. Fed by the engine's progress events and by each finished table
 * (either alone is enough).
 */
export class ValidateProgress {
  private readonly started: number;
  private last?: ValidationProgress;
  private tablesDone = 0;
  private rows = 0;
  private differences = 0;
  private printedAt: number;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly io: Pick<CliIo, 'err' | 'errTty' | 'errUpdate'>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.printedAt = this.started;
    this.timer = setInterval(() => this.tick(), this.tty ? TTY_REDRAW_MS : PLAIN_PROGRESS_MS);
    this.timer.unref();
  }

  private get tty(): boolean {
    return this.io.errTty === true && this.io.errUpdate !== undefined;
  }

  /** A progress event of the engine. */
  update(p: ValidationProgress): void {
    this.last = p;
    if (this.tty) this.io.errUpdate?.(this.line());
    else if (this.now() - this.printedAt >= PLAIN_PROGRESS_MS) this.plainLine(this.line());
  }

  /** A table finished (or was listed as missing or not compared). */
  table(t: TableResult): void {
    this.tablesDone++;
    this.rows += t.sourceRows ?? 0;
    this.differences += t.missing + t.extra + t.changed + (t.status === 'missing' ? 1 : 0);
    if (this.tty) {
      this.io.errUpdate?.(this.line());
      return;
    }
    const total = this.last?.tablesTotal;
    const counts = t.status === 'equal' ? `${(t.sourceRows ?? 0).toLocaleString('en-US')} rows` : t.status === 'different' ? `${t.missing} missing, ${t.extra} extra, ${t.changed} changed` : (t.reason ?? '');
    this.plainLine(`table ${this.tablesDone}${total !== undefined ? `/${total}` : ''} ${t.table}: ${t.status}, ${counts}, ${t.durationMs} ms`);
  }

  /** Stops the timer and clears the terminal's line. */
  close(): void {
    clearInterval(this.timer);
    if (this.tty) this.io.errUpdate?.('');
  }

  /** Called by the timer: the terminal's line redrawn, or a plain line when none was printed for a while. */
  tick(): void {
    if (this.tty) this.io.errUpdate?.(this.line());
    else if (this.now() - this.printedAt >= PLAIN_PROGRESS_MS - 50) this.plainLine(this.line());
  }

  /** `validate: 3/12 tables, 1,234,567 rows (456,789 rows/s), 2 differences, 4.1 s; public.orders`. */
  line(): string {
    const p = this.last;
    const elapsedMs = Math.max(p?.elapsedMs ?? 0, this.now() - this.started);
    const done = Math.max(p?.tablesDone ?? 0, this.tablesDone);
    const rows = Math.max(p?.rowsCompared ?? 0, this.rows);
    const differences = Math.max(p?.differences ?? 0, this.differences);
    const rate = elapsedMs > 0 ? Math.round((rows * 1000) / elapsedMs) : 0;
    const tables = p?.tablesTotal !== undefined ? `${done}/${p.tablesTotal} tables` : `${done} ${done === 1 ? 'table' : 'tables'} done`;
    const current = p?.table !== undefined ? `; ${plain(p.table)}` : '';
    return `validate: ${tables}, ${rows.toLocaleString('en-US')} rows (${rate.toLocaleString('en-US')} rows/s), ${differences.toLocaleString('en-US')} ${differences === 1 ? 'difference' : 'differences'}, ${(elapsedMs / 1000).toFixed(1)} s${current}`;
  }

  private plainLine(line: string): void {
    this.printedAt = this.now();
    this.io.err(`cutover: ${plain(line)}`);
  }
}

function printSummary(runtime: CliRuntime, report: ValidateReport, written: string[]): void {
  const { out, style } = runtime.io;
  const { result } = report;
  out(`source: ${plain(sideEngine(result.source))} (${plain(sidePlace(result.source))})`);
  out(`target: ${plain(sideEngine(result.target))} (${plain(sidePlace(result.target))})`);
  for (const note of result.notes ?? []) out(`note: ${plain(note)}`);
  for (const t of result.tables) for (const line of tableLines(t, style)) out(line);
  const s = result.summary;
  out(
    `tables: ${s.tables} (${s.equal} equal, ${s.different} different, ${s.missing} on one side only, ${s.errors} not compared); ` +
      `rows: ${s.sourceRows} on the source, ${s.targetRows} on the target, ${s.missingRows} missing, ${s.extraRows} extra, ${s.changedRows} changed; ${result.durationMs} ms`,
  );
  const f = report.summary.findings;
  const failing = report.findings.filter((x) => x.gate === 'failing').map((x) => plain(x.id));
  const named = failing.length ? `: ${failing.slice(0, GATE_IDS).join(', ')}${failing.length > GATE_IDS ? `, …and ${failing.length - GATE_IDS} more` : ''}` : '';
  const paint = report.verdict === 'fail' ? style.red : report.verdict === 'warn' ? style.yellow : style.green;
  out(`findings: ${f.fail} fail, ${f.warn} warn, ${f.info} info; ${report.summary.failing} failing the gate${named}; ${report.summary.allowed} allowed`);
  out(`gate: ${style.bold(paint(report.verdict.toUpperCase()))}`);
  const verdict = result.outcome === 'equal' ? style.green('EQUAL') : result.outcome === 'different' ? style.red('DIFFERENT') : style.yellow('INCOMPLETE');
  out(`verdict: ${style.bold(verdict)}`);
  for (const path of written) out(`wrote ${plain(path)}`);
}


function valueText(v: { text: string | null; length?: number }): string {
  if (v.text === null) return 'NULL';
  return `${JSON.stringify(v.text)}${v.length !== undefined ? ` (${v.length} chars)` : ''}`;
}

/** One table's lines: its status, then its first differences of each kind. */
export function tableLines(t: TableResult, style: Style): string[] {
  const name = plain(t.table);
  const time = style.dim(`${t.durationMs} ms`);
  if (t.status === 'missing') return [`  ${style.red('missing  ')} ${name}: ${plain(t.reason)}`];
  if (t.status === 'error') return [`  ${style.yellow('error    ')} ${name}: ${plain(t.reason)}`];
  const rows = `${t.sourceRows ?? 0} rows on the source, ${t.targetRows ?? 0} on the target`;
  const lines: string[] = [];
  if (t.status === 'equal') lines.push(`  ${style.green('equal    ')} ${name}: ${rows} ${time}`);
  else {
    const counts = t.localised ? `${t.missing} missing, ${t.extra} extra, ${t.changed} changed` : `${t.missing} missing, ${t.extra} extra (no key: compared as a multiset, not localised to keys)`;
    lines.push(`  ${style.red('different')} ${name}: ${rows}: ${counts} ${time}`);
  }
  for (const note of t.notes) lines.push(`    note: ${plain(note)}`);
  const more = (shown: number, total: number, what: string): void => {
    if (total > shown) lines.push(`    …and ${total - shown} more ${what} (all in --json, up to its cap)`);
  };
  t.missingRows.slice(0, LINES_PER_KIND).forEach((r) => lines.push(`    missing on the target: ${plain(keyText(r.key))}`));
  more(Math.min(t.missingRows.length, LINES_PER_KIND), t.localised ? t.missing : 0, 'missing');
  t.extraRows.slice(0, LINES_PER_KIND).forEach((r) => lines.push(`    extra on the target: ${plain(keyText(r.key))}`));
  more(Math.min(t.extraRows.length, LINES_PER_KIND), t.localised ? t.extra : 0, 'extra');
  for (const r of t.changedRows.slice(0, LINES_PER_KIND)) {
    const columns = r.columns.map((c) => `${c.column}: ${valueText(c.source)} -> ${valueText(c.target)}`).join('; ');
    lines.push(`    changed ${plain(keyText(r.key))}: ${plain(columns)}`);
  }
  more(Math.min(t.changedRows.length, LINES_PER_KIND), t.changed, 'changed');
  for (const r of t.multisetRows.slice(0, LINES_PER_KIND)) {
    const values = Object.entries(r.values)
      .map(([k, v]) => `${k}=${valueText(v)}`)
      .join(', ');
    lines.push(`    ${r.sourceCount} on the source, ${r.targetCount} on the target: (${plain(values)})`);
  }
  return lines;
}
