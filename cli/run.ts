import type { Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { RunOptions } from './run-action.js';

/** `cutover run SCENARIO_FILE`: runs a scenario file end to end and writes a run directory. */
export function registerRun(program: Command, runtime: CliRuntime): void {
  program
    .command('run')
    .summary('run a scenario file (provisioned or external servers, your own steps) and write a report')
    .description(
      'Runs a scenario (a .ts/.js file with a default export, or .yaml/.yml/.json): provisions the servers it names\n' +
        '(embedded, bindir) or connects to them (external URLs: nothing provisioned, nothing seeded, the soak writes\n' +
        'only to its own schema), runs the pre-checks, starts the soak, runs each step timed with the soak through it,\n' +
        'verifies every acknowledged write on the final writer, runs the post-checks and writes report.html.\n' +
        'Exit 0 pass/warn, 1 gate failed, a step failed or a write was lost; 2 usage or invalid scenario; 3 error; 130 Ctrl-C.',
    )
    .argument('<scenario-file>', 'the scenario file (see docs/scenarios.md)')
    .option('--runs-dir <dir>', 'parent directory of run directories', 'runs')
    .option('--name <name>', "name of the run (default: the scenario's name)")
    .option('--max-downtime <d>', 'most client downtime allowed (e.g. 500ms, 5s); above it the gate fails (exit 1). Default: config gate.maxDowntime, else no limit')
    .option('--config <file>', "checks and gates, when the scenario has no `config` (default: cutover.config.* in the working directory)")
    .action(
      runtime.action(async (file: string, options: RunOptions) => {
        const { runScenarioFile } = await import('./run-action.js');
        return runScenarioFile(file, options, runtime);
      }),
    );
}
