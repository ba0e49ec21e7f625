import type { CliRuntime } from './runtime.js';
import { buildProgram } from './program.js';
import { debugWanted, reportError } from './report-error.js';

/** How long a command may take, after Ctrl-C, to stop at its next step and write what it has. */
const INTERRUPT_GRACE_MS = 15_000;

/**
 * Parses the command line and runs the command; returns the exit code. After an interruption
 * the command gets a grace period to stop at its next step (a rehearsal writes its run
 * directory then); past it, the wait ends and the entry point cleans up.
 */
export async function runCli(argv: readonly string[], runtime: CliRuntime): Promise<number> {
  const program = buildProgram(runtime);
  const running = program.parseAsync([...argv]);
  // The command may still settle after an interruption; its outcome no longer matters then.
  running.catch(() => {});
  try {
    await Promise.race([running, aborted(runtime.signal)]);
    return runtime.exitCode;
  } catch (error) {
    if (runtime.signal.aborted) {
      const settled = await Promise.race([running.then(() => true, () => true), delay(INTERRUPT_GRACE_MS)]);
      if (!settled) runtime.io.err(`cutover: the command did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interruption`);
    }
    return reportError(error, runtime.io, debugWanted(argv, runtime.env));
  }
}

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(resolve, ms, false).unref());
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
