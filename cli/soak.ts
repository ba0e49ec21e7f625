import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { SoakOptions } from './soak-plan.js';

/** `cutover soak`: a steady ledgered load against one database, then verification. */
export function registerSoak(program: Command, runtime: CliRuntime): void {
  program
    .command('soak')
    .summary('run a steady load with a ledger, then verify every acknowledged write')
    .description(
      'Runs a workload at a steady rate (open loop) against one database, writing only to its own schema, ' +
        'records every ledgered write in the run directory and measures outages (a probe lane sharpens their edges ' +
        'when it is finer than the load), then verifies the ledger against the database. Ctrl-C stops the load, ' +
        'drains it and verifies.\n\n' +
        'Exit 0 nothing lost, unexpected or duplicated; 1 something was, or the downtime was above --max-downtime; 2 usage; ' +
          '3 could not complete, or no evidence to pass on (the load never succeeded, succeeded too rarely outside outages, or no write was confirmed); 130 after Ctrl-C.',
    )
    .option('--db <url>', 'connection URI (postgresql://user@host:port/db); default: PG* variables, like psql')
    .option('--rate <n>', 'attempts per second, all operations together (required)')
    .option('--duration <d>', 'how long: 30s, 5m, 1h, or milliseconds (required)')
    .option('--workload <name>', 'built-in workload: notifications, writes-only, vector', 'notifications')
    // One driver: k6 is not used (AGPL, see DESIGN.md), so the flag offers only the built-in one and
    // commander refuses any other value as a usage error.
    .addOption(new Option('--driver <name>', 'load driver: the built-in open-loop Node driver').choices(['node']).default('node'))
    .option('--run-dir <dir>', 'run directory to write (new or empty; default runs/<stamp>-soak)')
    .option('--no-probe', 'no probe lane (by default a SELECT 1 heartbeat sharpens outage edges)')
    .option('--probe-interval <d>', 'interval of the probe lane', '20ms')
    .option('--schema <name>', "the soak's own schema; nothing outside it is written", 'cutover')
    .option('--timeout <d>', 'per-attempt timeout from its due time, connection included', '1s')
    .option('--connections <n>', 'connections of the load (default: rate/250, between 4 and 32)')
    .option('--degraded-threshold <d>', 'successes slower than this, without errors, count as degraded', '500ms')
    .option('--max-downtime <d>', 'most client downtime allowed (e.g. 500ms, 5s); above it the gate fails (exit 1). Default: config gate.maxDowntime, else no limit')
    .option('--min-success-ratio <r>', "floor of the load's success ratio outside outages, 0 to 1; below it the soak has no evidence to pass on (exit 3). Default: config gate.minSuccessRatio, else 0.99")
    .option('--config <file>', 'configuration file for the gate (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .option('--json', 'print the result as one JSON object (the contract of DESIGN.md) instead of text')
    .action(
      runtime.action(async (options: SoakOptions) => {
        // Loaded on use, so `--help` and usage errors do not load the driver.
        const { runSoak } = await import('./soak-action.js');
        return runSoak(options, runtime);
      }),
    );
}
