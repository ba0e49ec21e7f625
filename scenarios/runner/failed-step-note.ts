import { errorLine } from '../../core/errors.js';
import type { StepRecord } from '../../run/manifest.js';
import { checkAbort, failedStepIndex, type RunContext } from './run-context.js';

/**
 * After a failed step the writer may be down: an error of verification or post-checks is then
 * part of that failure, not a new one. Logs it and returns the steps with it noted on the failed
 * one; rethrows when no step failed (or the run was interrupted).
 */
export function noteOnFailedStep(run: RunContext, what: string, error: unknown, steps: readonly StepRecord[] = run.manifest.steps): StepRecord[] {
  checkAbort(run.signal);
  const failed = failedStepIndex(run.manifest);
  const step = failed === undefined ? undefined : steps[failed];
  if (failed === undefined || !step) throw error;
  const message = `${what}: ${errorLine(error)}`;
  run.log(message);
  return steps.map((s, i) => (i === failed ? { ...step, details: { ...step.details, [what]: message } } : s));
}
