import type { Command } from 'commander';
import { relative } from 'node:path';
import type { CliRuntime } from './runtime.js';

/** `cutover report RUN_DIR`: re-renders a run's report from its directory, without a database. */
export function registerReport(program: Command, runtime: CliRuntime): void {
  program
    .command('report')
    .summary('re-render the report of a run directory')
    .argument('<run-dir>', 'a run directory (runs/<stamp>-<name>)')
    .action(
      runtime.action(async (runDir: string) => {
        const { renderRunDirectory } = await import('../reports/render-run.js');
        const { readRunManifest } = await import('../run/read-run.js');
        const run = await readRunManifest(runDir);
        const files = await renderRunDirectory(runDir);
        for (const file of Object.values(files)) runtime.io.out(`${relative(runtime.cwd, runDir) || runDir}/${file}`);
        // A run that did not complete (interrupted, or stopped while marked running) passes nothing.
        return run.verdict === 'fail' ? 1 : run.verdict === 'error' || run.verdict === 'interrupted' || run.verdict === 'running' ? 3 : 0;
      }),
    );
}
