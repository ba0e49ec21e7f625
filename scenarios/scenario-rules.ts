import { CutoverError } from '../core/errors.js';
import type { StepPlan } from './actions/action-types.js';
import { specMajor } from './actions/upgrade-rules.js';
import { parseStep } from './actions/registry.js';
import type { ProviderSpec, Scenario } from './scenario-types.js';

/**
 * Checks the rules that relate fields of a scenario (a minor restart's target against blue's
 * major, a green an upgrade needs) with each action's `validate`, before any server starts: a
 * scenario that cannot succeed is a usage error, not a failure after provisioning and the soak.
 * Every problem is reported at once.
 */
export async function checkScenarioRules(scenario: Scenario, source = 'scenario'): Promise<void> {
  const specs: Record<string, ProviderSpec | undefined> = { blue: scenario.blue, green: scenario.green };
  const majors: Record<string, number | undefined> = { blue: await specMajor(scenario.blue), green: scenario.green ? await specMajor(scenario.green) : undefined };
  let writer = 'blue';
  const problems: string[] = [];
  for (const [i, spec] of scenario.steps.entries()) {
    const step = parseStep(spec, i, source);
    const plan: StepPlan = { writer, majors, specs };
    const found = (await step.definition.validate?.(scenario, step.params, plan)) ?? [];
    for (const problem of found) problems.push(`${source}: step ${i + 1} (${step.definition.name}): ${problem}`);
    if (step.definition.movesWriterTo) writer = step.definition.movesWriterTo;
  }
  const [first] = problems;
  if (first !== undefined) throw new CutoverError('config', first, { message: problems.join('\n'), problems });
}
