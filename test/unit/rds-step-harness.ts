import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionContext, ActionDefinition } from '../../scenarios/actions/action-types.js';
import type { StepRecord } from '../../run/manifest.js';
import type { Scenario } from '../../scenarios/scenario-types.js';
import { timeStep } from '../../scenarios/step-timer.js';
import type { Transition } from '../../scenarios/aws/rds-bluegreen-transitions.js';

/** A step's record as run.json keeps it, with the details and phases the action gave. */
export interface RdsStepOutcome extends StepRecord {
  details: Record<string, unknown>;
  phases: NonNullable<StepRecord['phases']>;
  log: string[];
}

/**
 * Dummy credentials through the SDK's default chain (environment), as a user's would come; no
 * instance metadata lookups. Returns what puts the environment back: the unit tests share a
 * process (vitest.config.ts), so nothing set here may outlive the file.
 */
export function useDummyAwsCredentials(): () => void {
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED', 'AWS_PROFILE'] as const;
  const before = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing-secret-not-to-be-printed';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  delete process.env.AWS_PROFILE;
  return () => {
    for (const k of keys) {
      if (before[k] === undefined) delete process.env[k];
      else process.env[k] = before[k];
    }
  };
}

export async function tempRunDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'cutover-rds-'));
}

/**
 * Runs an RDS action as a step the way the runner does (timed, phases, details), without a
 * topology: these actions talk only to the RDS API.
 */
export async function runRdsStep<P>(action: ActionDefinition<P>, raw: unknown, runDir: string, scenario: object = { name: 'rds-test' }): Promise<RdsStepOutcome> {
  const params = action.params.parse(raw);
  const details: Record<string, unknown> = {};
  const log: string[] = [];
  const unused = (what: string) => () => {
    throw new Error(`an RDS action used ${what}`);
  };
  const record = await timeStep({ name: action.title(params, undefined as never), action: action.name }, async (timer) => {
    const ctx = {
      scenario: scenario as Scenario,
      runDir,
      signal: new AbortController().signal,
      artifactDir: async () => runDir,
      phase: (name: string) => timer.phase(name),
      detail: (key: string, value: unknown) => void (details[key] = value),
      log: (line: string) => void log.push(line),
      provision: unused('provision'),
      writerMoved: unused('writerMoved'),
      markResume: unused('markResume'),
      get topology(): never {
        throw new Error('an RDS action used the topology');
      },
    } as ActionContext;
    await action.run(ctx, params);
  });
  return { ...record, details, phases: record.phases ?? [], log };
}

/** The status transitions of a step, `from -> to`. */
export function statusPath(outcome: RdsStepOutcome): string[] {
  return (outcome.details.transitions as Transition[]).filter((t) => t.kind === 'status').map((t) => `${t.from ?? '-'} -> ${t.to}`);
}
