import { Option, type Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { BaselineOptions } from './baseline-plan.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `cutover baseline`: throughput and latency of a workload, repeated, by pgbench or the Node driver. */
export function registerBaseline(program: Command, runtime: CliRuntime): void {
  program
    .command('baseline')
    .summary('measure throughput and latency of a workload, repeated, with pgbench or the Node driver')
    .description(
      'Runs a workload K times (--repeat) on one server, or alternately on two (--against: a1, b1, a2, b2, …), with pgbench ' +
        "(per-transaction logs turned into the soak's per-second histograms) or the Node driver (the soak's engine). Its tables live in " +
        "a schema of its own (pgbench's built-in tables too); the user's tables are never touched. A repeat with errors or an aborted client is " +
        'invalid and the baseline says so rather than averaging it in. `cutover compare` reads two baselines.\n\n' +
        'Thresholds of the configuration (latency, errors, tps) judge each side; a crossed one fails (exit 1).\n\n' +
        'Exit 0 every repeat valid; 1 a threshold crossed; 2 usage (a pgbench script with an error included); 3 could not complete, or a repeat invalid; 130 after Ctrl-C.',
    )
    .option('--db <url>', 'connection URI of the server measured (side a); default: PG* variables, like psql')
    .option('--against <url>', 'a second server (side b): repeats alternate between the two')
    .option('--workload <name|file>', "cutover workload: notifications, writes-only, vector, or a module whose default export is defineWorkload() (default notifications)")
    .option('--pgbench <script>', "pgbench's scripts instead of a workload: builtin:tpcb-like, builtin:simple-update, builtin:select-only or FILE.sql, each with an optional @weight; repeatable", collect)
    .addOption(new Option('--engine <name>', 'what runs the workload: pgbench, or node (the soak driver)').choices(['pgbench', 'node']).default('pgbench'))
    .option('--rate <n>', 'transactions per second, all clients together (latency at a fixed load)')
    .option('--max', 'as fast as it goes (throughput; pgbench only)')
    .option('--clients <n>', 'clients (connections); default rate/250 between 4 and 32, 4 with --max')
    .option('--duration <d>', 'steady time of each repeat, whole seconds', '10s')
    .option('--warmup <d>', 'time run before each repeat\'s steady seconds and left out of its figures, whole seconds', '1s')
    .option('--repeat <k>', 'repeats per server', '3')
    .option('--scale <n>', "pgbench's scale: its tables are (re)initialised at it (default: kept, or 1 when missing)")
    .option('--schema <name>', "the baseline's own schema (its tables, pgbench's too)", 'cutover_baseline')
    .option('--pgbench-bin <path>', 'the pgbench program or its directory (default: PATH, then the upgrade lab\'s)')
    .option('--config <file>', 'configuration file whose thresholds (latency, errors, tps) judge the baseline (default: cutover.config.* in the working directory)')
    .option('--run-dir <dir>', 'run directory to write (new or empty; default runs/<stamp>-baseline)')
    .action(
      runtime.action(async (options: BaselineOptions) => {
        const { runBaselineCommand } = await import('./baseline-action.js');
        return runBaselineCommand(options, runtime);
      }),
    );
}
