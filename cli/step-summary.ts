import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliRuntime } from './runtime.js';

/**
 * Appends a run's summary.md to the CI job summary when the CI names one (GitHub Actions sets
 * GITHUB_STEP_SUMMARY to a file path). A summary that cannot be written is a warning, never a
 * reason to change the run's exit code.
 */
export async function appendStepSummary(runDir: string, runtime: CliRuntime): Promise<void> {
  const target = runtime.env.GITHUB_STEP_SUMMARY;
  if (!target) return;
  try {
    const markdown = await readFile(join(runDir, 'summary.md'), 'utf8');
    await appendFile(target, `${markdown.trimEnd()}\n\n`);
  } catch (error) {
    runtime.io.err(`cutover: warning: could not append the summary to GITHUB_STEP_SUMMARY (${target}): ${(error as Error).message}`);
  }
}
