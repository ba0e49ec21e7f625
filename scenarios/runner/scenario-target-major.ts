import type { Scenario } from '../scenario-types.js';
import { bindirVersion } from '../upgrade/bindir-version.js';

/**
 * The major a scenario upgrades to, when its green says so: an embedded version, or the
 * installation a bindir holds. Undefined for in-place scenarios and external greens (the
 * configuration's `upgrade.targetMajor` is then the only source).
 */
export async function scenarioTargetMajor(scenario: Scenario): Promise<number | undefined> {
  const green = scenario.green;
  if (green?.provider === 'embedded') {
    const major = Number(green.version.split('.')[0]);
    return Number.isInteger(major) && major > 0 ? major : undefined;
  }
  if (green?.provider === 'bindir') {
    try {
      return (await bindirVersion(green.bindir)).major;
    } catch {
      // Provisioning will say what is wrong with the bindir, in its own words.
      return undefined;
    }
  }
  return undefined;
}
