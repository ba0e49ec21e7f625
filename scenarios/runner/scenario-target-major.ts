import type { Scenario } from '../scenario-types.js';
import { specMajor } from '../actions/upgrade-rules.js';

/**
 * The major a scenario upgrades to, when its servers say so: green's (an embedded version, or the
 * installation a bindir holds), or, for an in-place scenario without green (a minor restart),
 * blue's own major. Undefined for external servers (the configuration's `upgrade.targetMajor`
 * is then the only source), and for a SQLite blue without green.
 */
export async function scenarioTargetMajor(scenario: Scenario): Promise<number | undefined> {
  const spec = scenario.green ?? scenario.blue;
  return spec.provider === 'sqlite' ? undefined : specMajor(spec);
}
