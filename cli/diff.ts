import type { Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { DiffOptions } from './diff-action.js';

/** `cutover diff`: compares two snapshots, applies the gate, writes reports. */
export function registerDiff(program: Command, runtime: CliRuntime): void {
  program
    .command('diff')
    .summary('compare a pre and a post snapshot and apply the gate')
    .description(
      'Compares two snapshots written by `cutover check`, applies the gate policy of the configuration, and writes the requested reports.\n' +
        'Exit code: 0 pass or warn, 1 the gate failed, 2 unreadable snapshot or bad configuration.',
    )
    .argument('<pre>', 'snapshot taken before the upgrade')
    .argument('<post>', 'snapshot taken after the upgrade')
    .option('--config <file>', 'configuration file with the gate policy (default: cutover.config.{ts,yaml,yml,json} in the working directory)')
    .option('--json <file>', 'write the findings, verdict and summary as JSON')
    .option('--junit <file>', 'write JUnit XML: one testcase per check, one failure per failing finding')
    .option('--md <file>', 'write a Markdown summary')
    .option('--html <file>', 'write a self-contained HTML report')
    .action(
      runtime.action(async (pre: string, post: string, options: DiffOptions) => {
        const { runDiff } = await import('./diff-action.js');
        return runDiff(pre, post, options, runtime);
      }),
    );
}
