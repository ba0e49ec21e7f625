import { CutoverError } from '../core/errors.js';
import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { parseTablePatterns, validateData, type TableResult, type ValidationResult } from '../validate/index.js';
import type { CliRuntime } from './runtime.js';
import { assertWritable } from './output-path.js';
import { writeOutput } from './write-output.js';
import { plain, type Style } from './io.js';

export interface ValidateCliOptions {
  source?: string;
  target?: string;
  tables?: string[];
  exclude?: string[];
  json?: string;
}

/** Differences printed per table and kind; the rest are in --json. */
const LINES_PER_KIND = 5;

/** Runs `cutover validate`; returns 0 equal, 1 differences, 3 a table not compared or the run stopped, 130 interrupted. */
export async function runValidate(options: ValidateCliOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Everything is validated before the first connection opens.
  if (!options.source) throw new CutoverError('usage', '--source: required (the database the data comes from)');
  if (!options.target) throw new CutoverError('usage', '--target: required (the database to check)');
  const tables = parseTablePatterns(options.tables, '--tables');
  const exclude = parseTablePatterns(options.exclude, '--exclude');
  const json = options.json === undefined ? undefined : assertWritable('--json', options.json);
  const warn = (m: string): void => io.err(`cutover: warning: ${m}`);
  const source = resolveEndpoint({ url: options.source, urlLabel: '--source' }, runtime.env, undefined, warn);
  const target = resolveEndpoint({ url: options.target, urlLabel: '--target' }, runtime.env, undefined, warn);

  const result = await validateData({ source, target, tables, exclude, signal: runtime.signal });
  // A run that stopped part-way still writes what it compared.
  if (json) await writeOutput(json, `${JSON.stringify(result, null, 2)}\n`);
  printSummary(runtime, result, json ? [options.json ?? json] : []);
  if (result.stopped) {
    io.err(`cutover: validation stopped: ${plain(result.stopped.message.split('\n')[0])}${json ? ` (partial results in ${plain(options.json)})` : ''}`);
    return result.stopped.code === 'interrupted' ? 130 : 3;
  }
  return result.outcome === 'equal' ? 0 : result.outcome === 'different' ? 1 : 3;
}

function printSummary(runtime: CliRuntime, result: ValidationResult, written: string[]): void {
  const { out, style } = runtime.io;
  out(`source: PostgreSQL ${plain(result.source.version)} (${plain(describeEndpoint(result.source.endpoint))})`);
  out(`target: PostgreSQL ${plain(result.target.version)} (${plain(describeEndpoint(result.target.endpoint))})`);
  for (const t of result.tables) for (const line of tableLines(t, style)) out(line);
  const s = result.summary;
  out(
    `tables: ${s.tables} (${s.equal} equal, ${s.different} different, ${s.missing} on one side only, ${s.errors} not compared); ` +
      `rows: ${s.sourceRows} on the source, ${s.targetRows} on the target, ${s.missingRows} missing, ${s.extraRows} extra, ${s.changedRows} changed; ${result.durationMs} ms`,
  );
  const verdict = result.outcome === 'equal' ? style.green('EQUAL') : result.outcome === 'different' ? style.red('DIFFERENT') : style.yellow('INCOMPLETE');
  out(`verdict: ${style.bold(verdict)}`);
  for (const path of written) out(`wrote ${plain(path)}`);
}

function keyText(key: Record<string, string | null>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${v === null ? 'NULL' : v}`)
    .join(', ');
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
