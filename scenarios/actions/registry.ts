import { CutoverError } from '../../core/errors.js';
import type { StepSpec } from '../scenario-types.js';
import { describeIssues } from '../runner/zod-issues.js';
import type { ActionDefinition } from './action-types.js';
import { ACTIONS } from './index.js';

/** A step of a scenario with its action found and its parameters validated. */
export interface ParsedStep {
  /** 0-based position in the scenario. */
  index: number;
  definition: ActionDefinition<unknown>;
  params: unknown;
  /** The name the scenario gave, if any (the action's title is used otherwise). */
  name?: string;
}

/** The action of that name, or a usage error listing the actions there are. */
export function actionByName(name: string, where = 'action'): ActionDefinition<unknown> {
  const found = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!found) {
    throw new CutoverError('usage', `${where}: expected one of ${Object.keys(ACTIONS).join(', ')}, got "${name}"`);
  }
  return found;
}

/**
 * Finds a step's action and validates its parameters before anything runs; errors name the step
 * (its number and action), the field, what was expected and what was given.
 */
export function parseStep(step: StepSpec, index: number, source = 'scenario'): ParsedStep {
  const parsed = tryParseStep(step, index, source);
  if ('problems' in parsed) {
    throw new CutoverError('config', parsed.problems[0] ?? `${source}: step ${index + 1}: invalid parameters`, { message: parsed.problems.join('\n'), problems: parsed.problems });
  }
  return parsed;
}

/** As `parseStep`, but the problems are returned (every one of them), so a file's are reported together. */
export function tryParseStep(step: StepSpec, index: number, source = 'scenario'): ParsedStep | { problems: string[] } {
  const where = `${source}: step ${index + 1} (${step.action})`;
  let definition: ActionDefinition<unknown>;
  try {
    definition = actionByName(step.action, `${source}: step ${index + 1}: field "action"`);
  } catch (error) {
    if (!(error instanceof CutoverError)) throw error;
    return { problems: [error.shortMessage] };
  }
  const { action: _action, name, ...raw } = step;
  const parsed = definition.params.safeParse(raw);
  if (!parsed.success) return { problems: describeIssues(parsed.error, raw).map((line) => `${where}: ${line}`) };
  return { index, definition, params: parsed.data, ...(name !== undefined ? { name } : {}) };
}
