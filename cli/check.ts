import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { CheckOptions } from './check-action.js';

/** `cutover check`: runs a suite of checks and writes a snapshot. */
export function registerCheck(program: Command, runtime: CliRuntime): void {
  program
    .command('check')
    .summary('run the checks against one database and write a snapshot')
    .description(
      'Runs a suite of read-only checks against one database, writes a snapshot for `cutover diff`, and prints a summary.\n' +
        'On a SQLite file (--db sqlite:PATH) the suite is the one for a move to PostgreSQL: tables, indexes, foreign keys, row counts, PRAGMA integrity_check and foreign_key_check, values stored against their column type, full-text tables; a damaged file exits 2.\n' +
        'It does not gate: the exit code is 0 whatever it finds, unless --gate is given; 3 when it cannot complete.',
    )
    .option('--db <url>', 'connection URI (postgresql://user@host:port/db), or a SQLite file (sqlite:PATH or file:PATH, opened read-only); default: PG* variables, like psql')
    .addOption(new Option('--suite <suite>', 'which suite: before or after the upgrade').choices(['pre', 'post']).default('pre'))
    .option('--config <file>', 'configuration file (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .option('--out <file>', 'where to write the snapshot (default: ./<suite>.snapshot.json)')
    .option('--json', 'print the summary as one JSON object instead of text')
    .option('--gate', "apply the config's gate to the findings of this snapshot: exit 1 when it fails")
    .action(
      runtime.action(async (options: CheckOptions) => {
        // Loaded on use, so `--help` and usage errors do not load drivers and checks.
        const { runCheck } = await import('./check-action.js');
        return runCheck(options, runtime);
      }),
    );
}
