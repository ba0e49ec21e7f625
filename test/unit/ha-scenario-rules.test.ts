import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import { scenarioSchema, type ScenarioInput } from '../../scenarios/scenario-types.js';

/** The problems checkScenarioRules reports for a scenario, before any server starts. */
async function problems(input: Partial<ScenarioInput>): Promise<string[]> {
  const scenario = scenarioSchema.parse({ name: 'ha', blue: { provider: 'embedded', version: '17' }, steps: [{ action: 'wait', duration: '1s' }], ...input });
  try {
    await checkScenarioRules(scenario);
    return [];
  } catch (error) {
    if (!(error instanceof CutoverError)) throw error;
    return [...(error.problems ?? [error.shortMessage])];
  }
}

describe('scenario rules of replicas and the HA actions', () => {
  it('accepts standbys of a local blue and the actions that use them', async () => {
    expect(
      await problems({
        replicas: [{ sync: true }, {}],
        steps: [{ action: 'switchover', role: 'replica-2' }, { action: 'rejoin', role: 'blue' }, { action: 'promote', role: 'blue', primary: 'immediate', examine: true }, { action: 'failover' }],
      }),
    ).toEqual([]);
  });

  it('refuses standbys of an external blue, naming the field and the provider', async () => {
    expect(await problems({ blue: { provider: 'external', url: 'postgresql://u@127.0.0.1:1/db' }, replicas: [{}] })).toEqual([
      'scenario: field "replicas": standbys are made from a blue cutover runs locally (provider embedded or bindir), got provider "external"',
    ]);
  });

  it('names the step and field of a promotion that cannot work', async () => {
    expect(await problems({ steps: [{ action: 'failover' }] })).toEqual(['scenario: step 1 (failover): failover needs standbys: add "replicas" to the scenario']);
    const found = await problems({ replicas: [{}], steps: [{ action: 'promote', role: 'replica-2' }, { action: 'promote', role: 'replica-1', primary: 'freeze', examine: true }] });
    expect(found).toEqual([
      'scenario: step 1 (promote): field "role": expected a standby of the scenario (replica-1), got "replica-2"',
      'scenario: step 2 (promote): field "examine": only a stopped primary can be examined (primary fast or immediate), got primary "freeze"',
    ]);
  });

  it('rejects a replica entry with unknown fields', () => {
    expect(() => scenarioSchema.parse({ name: 'ha', blue: { provider: 'embedded', version: '17' }, replicas: [{ async: true }], steps: [{ action: 'wait', duration: '1s' }] })).toThrow(/async/);
  });
});
