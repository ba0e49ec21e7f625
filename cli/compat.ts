import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { CompatOptions } from './compat-action.js';

/** `cutover compat`: restores the source's schema into a throwaway target major and gates on what it refuses. */
export function registerCompat(program: Command, runtime: CliRuntime): void {
  program
    .command('compat')
    .summary("restore a database's schema on a throwaway target major and report every statement it refuses")
    .description(
      "A compatibility rehearsal beyond pg_upgrade --check: dumps the source database's schema and roles with the\n" +
        "TARGET major's pg_dump (--schema-only, pg_dumpall --roles-only), restores them statement by statement into a\n" +
        'throwaway server of that major, and reports every refused statement with its object (type, schema, name)\n' +
        "and the server's error and SQLSTATE. Nothing is written to the source. The target's tools come from --to-bindir,\n" +
        'else the upgrade lab (scripts/lab.sh).\n' +
        'Exit code: 0 pass or warn, 1 the gate failed, 2 bad flag or configuration, 3 could not complete.',
    )
    .option('--db <url>', 'the source database (postgresql://user@host:port/db); default: PG* variables, like psql')
    .requiredOption('--to <major>', 'target major version, e.g. 17')
    .option('--to-bindir <dir>', "the target installation's bindir (pg_dump, pg_dumpall, psql; postgres for the throwaway server)")
    .addOption(
      new Option('--target-server <kind>', 'where the throwaway target runs (default: the bindir when it has postgres, else embedded)').choices([
        'bindir',
        'embedded',
      ]),
    )
    .option('--keep <dir>', 'keep the dump, the roles script and the restore messages in this directory')
    .option('--config <file>', 'configuration file with the gate policy (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .option('--json <file>', 'write the findings, verdict and summary as JSON')
    .option('--junit <file>', 'write JUnit XML: one testcase per object with a finding')
    .option('--md <file>', 'write a Markdown summary')
    .action(
      runtime.action(async (options: CompatOptions) => {
        const { runCompat } = await import('./compat-action.js');
        return runCompat(options, runtime);
      }),
    );
}
