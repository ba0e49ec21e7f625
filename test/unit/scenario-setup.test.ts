import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import { scenarioSchema, type ScenarioInput } from '../../scenarios/scenario-types.js';

async function problems(input: Partial<ScenarioInput>): Promise<string[]> {
  const scenario = scenarioSchema.parse({ name: 's', blue: { provider: 'embedded', version: '17' }, steps: [{ action: 'extension-update' }], ...input });
  try {
    await checkScenarioRules(scenario);
    return [];
  } catch (error) {
    if (!(error instanceof CutoverError)) throw error;
    return [...(error.problems ?? [error.shortMessage])];
  }
}

describe('the scenario field setup', () => {
  it('takes SQL statements for a blue cutover provisions', async () => {
    expect(await problems({ setup: [{ sql: `CREATE EXTENSION vector VERSION '0.6.2'`, before: 'dataset' }, 'CREATE TABLE t ()'] })).toEqual([]);
    expect(scenarioSchema.safeParse({ name: 's', blue: { provider: 'embedded', version: '17' }, steps: [{ action: 'wait', duration: '1s' }], setup: [{ sql: 'SELECT 1', before: 'soak' }] }).success).toBe(false);
  });

  it("refuses a user's own server and a SQLite file, and an empty list", async () => {
    expect(await problems({ blue: { provider: 'external', url: 'postgresql://u@127.0.0.1:1/db' }, setup: ['SELECT 1'] })).toEqual([
      'scenario: field "setup": runs on a blue cutover provisions (embedded, bindir, container, patroni), got provider "external"',
    ]);
    expect(scenarioSchema.safeParse({ name: 's', blue: { provider: 'embedded', version: '17' }, steps: [{ action: 'wait', duration: '1s' }], setup: [] }).success).toBe(false);
  });
});
