import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { RehearseOptions } from './rehearse-action.js';

/** Versions offered in --help; the action validates against the installed packages. */
const VERSIONS = '15, 16.4, 16, 17';

/** `cutover rehearse`: provisions embedded PostgreSQL and rehearses an upgrade end to end. */
export function registerRehearse(program: Command, runtime: CliRuntime): void {
  program
    .command('rehearse')
    .summary('rehearse an upgrade on embedded PostgreSQL and write a report')
    .description(
      'Provisions a throwaway PostgreSQL from npm-shipped binaries (no Docker, no root), seeds a realistic dataset,\n' +
        'runs the pre-checks, performs the upgrade step while a ledgered soak and a probe measure client downtime,\n' +
        'verifies every acknowledged write, runs the post-checks, diffs them and writes a run directory with report.html.\n' +
        'Exit 0 pass/warn, 1 gate failed, a step failed or a write was lost, unexpected or duplicated, 3 error.',
    )
    .option('--from <version>', `embedded version to start from (${VERSIONS})`, '16.4')
    .option('--to <version>', 'embedded version to upgrade to', '16')
    .addOption(new Option('--method <method>', 'how to upgrade').choices(['minor']).default('minor'))
    .option('--scale <n>', 'dataset scale (1 = 10,000 notifications)', '1')
    .option('--rate <n>', 'attempts per second of the soak that runs through the upgrade', '50')
    .option('--duration <d>', 'soak time outside the step: half before it, half after it (30s, 1m, or ms)', '6s')
    .option('--runs-dir <dir>', 'parent directory of run directories', 'runs')
    .option('--name <name>', 'name of the run (default: derived from the method and versions)')
    .option('--config <file>', 'configuration file (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .action(
      runtime.action(async (options: RehearseOptions) => {
        const { runRehearse } = await import('./rehearse-action.js');
        return runRehearse(options, runtime);
      }),
    );
}

