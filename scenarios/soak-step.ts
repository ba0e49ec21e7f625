import type { SoakRun } from '../load/soak-run.js';
import type { StepRecord } from '../run/manifest.js';
import { timeStep, type StepContext } from './step-timer.js';

/** Longest wait, after a step, for the soak to see the database serve again (scenario `soak.recoveryTimeout`). */
export const RECOVERY_TIMEOUT_MS = 30_000;

/**
 * Runs one step while a soak runs through it. The step is over when clients can work again: after
 * its body, it waits (bounded) until the soak's load (and probe) succeed with no outage under
 * way. Downtime and ledger figures are filled in later, from the soak's analysis of this span.
 */
export async function soakStep(
  soak: SoakRun,
  step: { name: string; action: string },
  body: (ctx: StepContext) => Promise<void>,
  recoveryTimeoutMs = RECOVERY_TIMEOUT_MS,
): Promise<StepRecord> {
  const record = await timeStep(step, body);
  if (record.status === 'ok') {
    await soak.waitServing(recoveryTimeoutMs);
    const ended = Date.now();
    record.endedAt = new Date(ended).toISOString();
    record.durationMs = ended - Date.parse(record.startedAt);
  }
  return record;
}
