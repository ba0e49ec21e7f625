import type { Scenario } from '../scenario-types.js';
import { bindirVersion } from '../upgrade/bindir-version.js';

/**
 * The major a scenario upgrades to, when its servers say so: green's (an embedded version, or the
 * installation a bindir holds), or, for an in-place scenario without green (a minor restart),
 * blue's own major. Undefined for external servers (the configuration's `upgrade.targetMajor`
 * is then the only source).
 */
export async function scenarioTargetMajor(scenario: Scenario): Promise<number | undefined> {
  return providerMajor(scenario.green ?? scenario.blue);
}

async function providerMajor(spec: Scenario['blue']): Promise<number | undefined> {
  if (spec.provider === 'embedded') {
    const major = Number(spec.version.split('.')[0]);
    return Number.isInteger(major) && major > 0 ? major : undefined;
  }
  if (spec.provider === 'bindir') {
    try {
      return (await bindirVersion(spec.bindir)).major;
    } catch {
      // Provisioning will say what is wrong with the bindir, in its own words.
      return undefined;
    }
  }
  return undefined;
}
