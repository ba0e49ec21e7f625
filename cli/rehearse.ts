import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { RehearseOptions } from './rehearse-action.js';

/** Versions offered in --help; the action validates against the installed packages and the lab. */
const VERSIONS = 'embedded 15, 16.4, 16, 17; with the lab also 18';

/** `cutover rehearse`: provisions PostgreSQL and rehearses an upgrade end to end. */
export function registerRehearse(program: Command, runtime: CliRuntime): void {
  program
    .command('rehearse')
    .summary('rehearse an upgrade on throwaway PostgreSQL servers and write a report')
    .description(
      'Provisions throwaway PostgreSQL servers (npm-shipped binaries by default: no Docker, no root; the upgrade lab\n' +
        'of scripts/lab.sh for pg-upgrade and dump-restore), seeds a realistic dataset, runs the pre-checks, performs\n' +
        'the upgrade while a ledgered soak and a probe measure client downtime, verifies every acknowledged write,\n' +
        'runs the post-checks, diffs them and writes a run directory with report.html.\n' +
        'Default: embedded 15 -> 17 by logical blue/green with a hard cut and a one-minute soak.\n' +
        'With --from sqlite[:PATH]: the SQLite file is loaded into PostgreSQL (the app stopped), validated row by row\n' +
        'and measured against the rollback matrix, then the soak runs on PostgreSQL.\n' +
        'Exit 0 pass/warn, 1 gate failed, a step failed or a write was lost, unexpected or duplicated, 3 error.',
    )
    .addOption(new Option('--method <method>', 'how to upgrade (default logical; image-swap with --from-image)').choices(['logical', 'pg-upgrade', 'dump-restore', 'minor', 'image-swap']))
    .option('--from <version>', `version to start from (${VERSIONS}); default 15, or 16.4 for --method minor. sqlite:PATH moves that SQLite file into PostgreSQL --to instead (sqlite alone: a built-in sample app database)`)
    .option('--to <version>', 'version to upgrade to; default 17, or 16 for --method minor')
    .option('--from-image <image>', 'blue is a container of this image on a Docker engine (postgres:16.4, pgvector/pgvector:pg16, your own image)')
    .option('--to-image <image>', 'the image to upgrade to: swapped onto blue\'s volume (image-swap, the default), or green for --method logical, dump-restore or pg-upgrade')
    .option('--upgrade-image <image>', 'with --method pg-upgrade and images: the pg_upgrade image holding both majors (like tianon/postgres-upgrade:15-to-17), run on blue\'s volume')
    .option('--from-bindir <dir>', "blue's binaries from this installation instead (bindir with initdb, pg_ctl, postgres)")
    .option('--to-bindir <dir>', "the target's binaries from this installation instead (full tools for pg-upgrade, dump-restore)")
    .addOption(new Option('--switchover <style>', 'how clients move to green (logical)').choices(['hard', 'pause']).default('hard'))
    .addOption(new Option('--mode <mode>', 'pg_upgrade transfer mode').choices(['link', 'copy']).default('link'))
    .option('--scale <n>', 'dataset scale (1 = 10,000 notifications; with --from sqlite, 5,000 resources of the sample)', '1')
    .addOption(new Option('--loader <loader>', 'with --from sqlite: what loads the file (auto: pgloader when installed, else the built-in loader)').choices(['auto', 'builtin', 'pgloader']))
    .option('--load-command <command>', 'with --from sqlite: your own loader instead, run by /bin/sh -c with CUTOVER_SQLITE_PATH and DATABASE_URL set')
    .option('--rate <n>', 'attempts per second of the soak that runs through the upgrade', '50')
    .option('--duration <d>', 'soak time outside the upgrade step: half before it, half after it (30s, 1m, or ms)', '1m')
    .option('--runs-dir <dir>', 'parent directory of run directories', 'runs')
    .option('--name <name>', 'name of the run (default: derived from the method and versions)')
    .option('--max-downtime <d>', 'most client downtime allowed (e.g. 500ms, 5s); above it the gate fails (exit 1). Default: config gate.maxDowntime, else no limit')
    .option('--config <file>', 'configuration file (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .action(
      runtime.action(async (options: RehearseOptions) => {
        const { runRehearse } = await import('./rehearse-action.js');
        return runRehearse(options, runtime);
      }),
    );
}
