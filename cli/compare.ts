import type { Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { CompareOptions } from './compare-action.js';

/** `cutover compare RUN_A [RUN_B]`: the comparison of two run directories (or the two baselines of one), with a gate. */
export function registerCompare(program: Command, runtime: CliRuntime): void {
  program
    .command('compare')
    .summary('compare two runs (latency, throughput, plans, findings) and gate on regressions')
    .description(
      'Compares two run directories, for example the same soak rehearsed to two target versions: latency percentiles ' +
        'merged from the per-second histograms, throughput, errors, downtime and ledger totals, EXPLAIN plans, and the ' +
        'findings present in one run only. Ratios are B/A: RUN_A is the baseline. Nothing connects to a database.\n\n' +
        'Performance baselines (cutover baseline, a rehearsal\'s baseline section) are compared figure by figure (latency p50 and p99, TPS) ' +
        'with an interval of B/A from a hierarchical bootstrap over repeats and seconds, widened to the noise between repeats; ' +
        'with one run directory, its two baseline sides (--against) or its blue and green baselines are compared. On baselines the ' +
        'latency and throughput limits fail only on significant differences (docs/compare-baselines.md).\n\n' +
        'With no limits the gate passes; each limit set is checked, and a violated one is a failing line. Thresholds in the ' +
        "configuration file's `thresholds` (latency_change, tps_change) are checked too, printed as ✓/✗ lines.\n\n" +
        'Exit 0 within the limits, 1 a limit was exceeded, 2 bad input (not a run directory, a malformed flag), 3 could not complete.',
    )
    .argument('<run-a>', 'the baseline run directory (runs/<stamp>-<name>)')
    .argument('[run-b]', 'the run compared with it; omitted: the two baselines of RUN_A (sides a and b, or blue and green)')
    .option('--max-latency-regression <pct>', 'fail when the latency percentile of B exceeds that of A by more than this (e.g. 25%)')
    .option('--latency-percentile <p>', 'the percentile the latency limit applies to: p50, p90, p95, p99, p99.9, max', 'p99')
    .option('--max-throughput-drop <pct>', 'fail when successes per second of B fall below those of A by more than this (e.g. 5%)')
    .option('--max-downtime-increase <d>', 'fail when the total downtime of B exceeds that of A by more than this (e.g. 500ms, 2s)')
    .option('--fail-on-plan-change', 'fail when an EXPLAIN baseline present in both runs changed plan shape')
    .option('--max-plan-cost-increase <pct>', "fail when an EXPLAIN baseline's estimated cost rose by more than this (e.g. 50%)")
    .option('--fail-on-new-findings <severity>', 'fail on findings of B at this severity or above (warn or fail) that A did not have, or had at a lower severity')
    .option('--confidence <level>', 'confidence of the baseline intervals, for the figures together (e.g. 0.95 or 99%)', '0.95')
    .option('--bootstrap-iterations <n>', 'bootstrap resamples of the baselines (100 to 1000000)', '2000')
    .option('--seed <n>', 'seed of the bootstrap (the same seed, the same intervals)', '1')
    .option('--config <file>', 'configuration file whose thresholds apply (default: cutover.config.* in the working directory)')
    .option('--html <file>', 'write the comparison page here (default: compare.html in the working directory)')
    .option('--no-html', 'write no HTML page')
    .option('--json <file>', 'write the comparison as JSON')
    .action(
      runtime.action(async (runA: string, runB: string | undefined, options: CompareOptions) => {
        const { runCompare } = await import('./compare-action.js');
        return runCompare(runA, runB, options, runtime);
      }),
    );
}
