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
        'read over one connection inside one REPEATABLE READ READ ONLY transaction (one snapshot). Rows are hashed inside PostgreSQL through one\n' +
        'canonical form per type (docs/validate.md), compared per bucket of keys (count and digest), and only buckets that\n' +
        'differ are read row by row. Reports per table the rows on each side, rows missing on the target, extra on the\n' +
        'target and changed (key, columns, both values), exact counts always. Tables of the schema "cutover" (the soak\'s) are skipped.\n' +
        'Exit code: 0 equal, 1 differences, 2 bad flag or table pattern, 3 could not complete (a server unreachable or gone\n' +
        'mid-way, a table not compared; --json then holds the partial results), 130 interrupted.',
    )
    .option('--source <url>', 'the source database (postgresql://user@host:port/db) (required)')
    .option('--target <url>', 'the target database (required)')
    .option('--tables <pattern...>', 'compare only these tables: schema.table or table, with * and ? wildcards')
    .option('--exclude <pattern...>', 'skip these tables (same patterns)')
    .option('--json <file>', 'write the whole result (every table, the listed differences) as JSON')
    .action(
      runtime.action(async (options: ValidateCliOptions) => {
        const { runValidate } = await import('./validate-action.js');
        return runValidate(options, runtime);
      }),
    );
}
