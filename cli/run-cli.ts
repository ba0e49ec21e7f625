import type { CliRuntime } from './runtime.js';
import { buildProgram } from './program.js';
import { debugWanted, reportError } from './report-error.js';

/**
 * Parses the command line and runs the command; returns the exit code. An interruption ends
 * the wait at once (the entry point then cleans up), whatever the command was doing.
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
    return reportError(error, runtime.io, debugWanted(argv, runtime.env));
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
