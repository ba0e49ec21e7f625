import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SoakRun } from '../../load/soak-run.js';
import type { ActionContext } from '../actions/action-types.js';
import type { ParsedStep } from '../actions/registry.js';
import type { StepRecord } from '../../run/manifest.js';
import { soakStep } from '../soak-step.js';
import { timeStep } from '../step-timer.js';
import type { Topology } from '../topology/cluster.js';

/** What the runner lends every step: the context of an action minus what is the step's own. */
export type RunServices = Omit<ActionContext, 'artifactDir' | 'phase' | 'detail'>;

/** The name a step shows in the step table: the scenario's, else the action's title. */
export function stepName(step: ParsedStep, topology: Topology): string {
  if (step.name) return step.name;
  try {
    return step.definition.title(step.params, topology);
  } catch {
    return step.definition.name;
  }
}

/** `steps/03-pg-upgrade`: where a step keeps its artifacts, relative to the run directory. */
export function stepDirName(step: ParsedStep): string {
  return join('steps', `${String(step.index + 1).padStart(2, '0')}-${step.definition.name}`);
}

/**
 * Runs one step as the action defines it, timed, with the soak (when there is one) running
 * through it. Never throws for the action's failure: the record says `failed` and why.
 */
export async function runStep(step: ParsedStep, services: RunServices, soak: SoakRun | undefined): Promise<StepRecord> {
  const meta = { name: stepName(step, services.topology), action: step.definition.name };
  const details: Record<string, unknown> = {};
  const body = async (timer: { phase(name: string): void }) => {
    const ctx: ActionContext = {
      ...services,
      async artifactDir() {
        const dir = join(services.runDir, stepDirName(step));
        await mkdir(dir, { recursive: true });
        return dir;
      },
      phase: (name) => timer.phase(name),
      detail: (key, value) => void (details[key] = value),
    };
    await step.definition.run(ctx, step.params);
  };
  const { soak: soakSpec } = services.scenario;
  const record = soak ? await soakStep(soak, meta, body, soakSpec ? soakSpec.recoveryTimeout : undefined) : await timeStep(meta, body);
  if (Object.keys(details).length) record.details = details;
  return record;
}

/** The record of a step that did not run because an earlier one failed (or the run was interrupted). */
export function skippedStep(step: ParsedStep, topology: Topology, why: string): StepRecord {
  const now = new Date().toISOString();
  return {
    name: stepName(step, topology),
    action: step.definition.name,
    status: 'skipped',
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    downtimeMs: null,
    failedAttempts: null,
    lost: null,
    unexpected: null,
    duplicated: null,
    error: { message: why },
  };
}
