import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import { validateScenario } from '../../scenarios/scenario-file.js';
import { labBindir, labReady } from '../support/lab.js';

/**
 * The rules of a chained upgrade, checked before any server starts: a hop names an installation
 * of a newer major than the writer it starts from (the writer after the previous hop), a role of
 * its own, and `role` only with `to`; `extension-update`'s `to` needs exactly one extension.
 * Only `postgres --version` of the lab's bindirs runs; no server starts.
 */

/** The problems a scenario is refused with (its parameters, then its rules), one line each. */
async function problems(steps: Record<string, unknown>[]): Promise<string[]> {
  try {
    const scenario = validateScenario({ name: 'chain', blue: { provider: 'bindir', bindir: labBindir(15) }, steps }, 'chain.yaml');
    await checkScenarioRules(scenario, 'chain.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof CutoverError)) throw error;
    return error.problems ? [...error.problems] : [error.shortMessage];
  }
}

const hop = (major: 16 | 17 | 18, extra: Record<string, unknown> = {}) => ({ action: 'pg-upgrade', to: labBindir(major), role: `pg${major}`, ...extra });

describe.skipIf(!labReady(15, 16, 17, 18))(`chained pg-upgrade hops: rules before anything starts${labReady(15, 16, 17, 18) ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  it('accepts 15 -> 16 -> 17 -> 18, each hop validated against the writer the previous one left', async () => {
    expect(await problems([hop(16), { action: 'extension-update', names: ['vector'] }, { action: 'check' }, hop(17), hop(18)])).toEqual([]);
  });

  it('refuses a hop that is not newer than the writer after the previous hop, and a role taken twice', async () => {
    expect(await problems([hop(17), hop(16, { role: 'pg16' }), hop(18, { role: 'pg17' })])).toEqual([
      `chain.yaml: step 2 (pg-upgrade): field "to": expected a newer major than pg17 (PostgreSQL 17), got "${labBindir(16)}" (PostgreSQL 16)`,
      'chain.yaml: step 3 (pg-upgrade): field "role": expected a role of this hop\'s own (e.g. "pg17"); "pg17" is taken (roles so far: blue, pg17, pg16)',
    ]);
  });

  it('refuses role without to, and extension-update TO a version for several extensions', async () => {
    expect(await problems([{ action: 'pg-upgrade', role: 'pg16' }, { action: 'extension-update', names: ['vector', 'pg_trgm'], to: '0.8.0' }])).toEqual([
      'chain.yaml: step 1 (pg-upgrade): field "role": expected only with "to" (a hop\'s own server; the scenario\'s green keeps the role green), got "pg16"',
      'chain.yaml: step 2 (extension-update): field "to": expected with exactly one extension in "names" (a version is one extension\'s), got "0.8.0"',
    ]);
  });

  it('refuses a hop into a directory that is no PostgreSQL installation', async () => {
    expect(await problems([{ action: 'pg-upgrade', to: '/nonexistent/bin', role: 'pg99' }])).toEqual(['chain.yaml: step 1 (pg-upgrade): field "to": expected the bindir of a PostgreSQL installation (postgres, pg_upgrade), got "/nonexistent/bin"']);
  });
});
