import type { Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { ValidateCliOptions } from './validate-action.js';

/** `cutover validate`: compares the rows of two databases, read-only, localised to keys. */
export function registerValidate(program: Command, runtime: CliRuntime): void {
  program
    .command('validate')
    .summary('compare the data of two databases row by row (read-only on both)')
    .description(
      'Proves that the rows on the target are the rows on the source: every user table (or the selected ones), each side\n' +
        'read inside one REPEATABLE READ READ ONLY snapshot (shared by its --jobs sessions). Rows are hashed inside PostgreSQL through one\n' +
        'canonical form per type (docs/validate.md), compared per bucket of keys (count and digest), and only buckets that\n' +
        'differ are read row by row. Reports per table the rows on each side, rows missing on the target, extra on the\n' +
        'target and changed (key, columns, both values), exact counts always. Tables of the schema "cutover" (the soak\'s) are skipped.\n' +
        'Findings data/<schema.table>/<kind> go through the gate policy of the configuration file (gate.failOn, gate.allow).\n' +
        'Exit code: 0 equal (or every difference allowed by the gate), 1 a finding fails the gate, 2 bad flag, configuration or\n' +
        'table pattern, 3 could not complete (a server unreachable or gone mid-way, a table not compared; the output files then\n' +
        'hold the partial results), 130 interrupted.',
    )
    .option('--source <url>', 'the source database (postgresql://user@host:port/db), or a SQLite file (sqlite:PATH), opened read-only (required)')
    .option('--target <url>', 'the target database (required)')
    .option('--tables <pattern...>', 'compare only these tables: schema.table or table, with * and ? wildcards')
    .option('--exclude <pattern...>', 'skip these tables (same patterns)')
    .option('--group-by <table=columns...>', 'a table without a key: match its rows by these columns (TABLE=COLUMN[,COLUMN...]) rather than as a whole-row multiset')
    .option('--jobs <n>', 'sessions per side sharing its snapshot (pg_export_snapshot), between which each large table\'s scans are split (default 2)')
    .option('--target-schema <name>', 'with a SQLite source: the PostgreSQL schema its tables were loaded into (default public)')
    .option('--datetime <table.column=encoding...>', 'with a SQLite source: how numbers in a column read as timestamps are encoded: unix-seconds (default), unix-ms or julian-day')
    .option('--config <file>', 'configuration file with the gate policy (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .option('--json <file>', 'write the whole result (every table, the listed differences, the findings and the gate) as JSON')
    .option('--html <file>', 'write a self-contained HTML page: every table, the keys and a column-by-column before/after of each difference')
    .option('--junit <file>', 'write JUnit XML: one testcase per table')
    .option('--md <file>', 'write a Markdown summary')
    .action(
      runtime.action(async (options: ValidateCliOptions) => {
        const { runValidate } = await import('./validate-action.js');
        return runValidate(options, runtime);
      }),
    );
}
