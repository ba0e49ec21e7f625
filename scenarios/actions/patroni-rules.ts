import type { Scenario } from '../scenario-types.js';

/** A Patroni step needs a cluster to act on: blue with provider `patroni`, or the step's `api`. */
export function patroniStepProblems(scenario: Scenario, api: string | undefined, o: { provisioned?: boolean } = {}): string[] {
  const runs = scenario.blue.provider === 'patroni';
  if (o.provisioned && !runs) return [`needs the Patroni cluster cutover runs (blue: { provider: patroni, bindir: … }), got blue provider "${scenario.blue.provider}"`];
  if (api === undefined && !runs) return [`needs a Patroni cluster: blue with provider "patroni", or the step's "api" (a member's REST API URL); got blue provider "${scenario.blue.provider}" and no "api"`];
  return [];
}
