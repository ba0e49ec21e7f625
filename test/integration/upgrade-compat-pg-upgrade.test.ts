import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import { upgradeReadiness } from '../../checks/upgrade-readiness.js';
import type { UpgradeReadinessData } from '../../checks/upgrade/readiness-findings.js';
import { labBindir } from '../support/lab.js';

/**
 * The SQL rules against the real thing: for each fixture, upgrade.compat (target 17) and the
 * lab's `pg_upgrade --check` of 17 (live check of a running Debian 15 cluster) must agree on
 * whether the upgrade is refused, and on why.
 */

function bindirs(): { old: string; new: string } | undefined {
  try {
    return { old: labBindir(15), new: labBindir(17) };
  } catch {
    return undefined;
  }
}
const lab = bindirs();

interface Fixture {
  name: string;
  setup: string[];
  /** The rule that must fail, and the words pg_upgrade's refusal must contain; none: compatible. */
  refusal?: { rule: string; pgUpgradeSays: RegExp };
  /** Rules that may report without refusing (advisories). */
  advisories?: string[];
}

const FIXTURES: Fixture[] = [
  { name: 'clean', setup: [] },
  {
    name: 'reg-column',
    setup: ['CREATE TABLE jobs (handler regproc)'],
    refusal: { rule: 'reg-types', pgUpgradeSays: /reg\* data types in user tables/ },
  },
  {
    name: 'not-null',
    setup: ['CREATE TABLE p (a int NOT NULL)', 'CREATE TABLE c () INHERITS (p)', 'ALTER TABLE c ALTER a DROP NOT NULL'],
    refusal: { rule: 'not-null-inheritance', pgUpgradeSays: /inconsistent NOT NULL constraints/ },
  },
  {
    name: 'logical-slot',
    setup: [`SELECT pg_create_logical_replication_slot('s', 'pgoutput')`],
    advisories: ['logical-slots-not-migrated'],
  },
];

describe.skipIf(!lab)(`upgrade.compat agrees with pg_upgrade --check of 17${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  for (const fixture of FIXTURES) {
    it(`${fixture.name}: ${fixture.refusal ? `both refuse (${fixture.refusal.rule})` : 'both accept'}`, async () => {
      if (!lab) return;
      await using old = await LocalServer.start({ bindir: lab.old, name: `pgu-old-${fixture.name}`, settings: { wal_level: 'logical' } });
      {
        await using admin = await old.admin();
        for (const sql of fixture.setup) await admin.query(sql);
      }
      const snapshot = await runSuite({
        endpoint: old.endpoint(),
        suite: 'pre',
        config: resolveConfig({ upgrade: { targetMajor: 17 } }),
        checks: [upgradeReadiness],
      });
      const data = snapshot.checks['upgrade.compat']?.data as UpgradeReadinessData;
      const reported = data.checks.filter((c) => c.applies && c.objects.length > 0);
      expect(reported.filter((c) => c.severity === 'fail').map((c) => c.id)).toEqual(fixture.refusal ? [fixture.refusal.rule] : []);
      expect(reported.filter((c) => c.severity !== 'fail').map((c) => c.id)).toEqual(fixture.advisories ?? []);

      await using target = await LocalServer.init({ bindir: lab.new, name: `pgu-new-${fixture.name}` });
      const result = await target
        .run(
          join(lab.new, 'pg_upgrade'),
          ['--check', '-b', lab.old, '-B', lab.new, '-d', old.dataDir, '-D', target.dataDir, '-p', String(old.port), '-P', String(target.port), '-U', old.superuser],
          { cwd: target.baseDir },
        )
        .then(
          (r) => ({ ok: true, output: r.stdout }),
          (error: unknown) => ({ ok: false, output: String((error as Error).message) }),
        );
      if (fixture.refusal) {
        expect(result.ok, result.output).toBe(false);
        expect(result.output).toMatch(fixture.refusal.pgUpgradeSays);
      } else {
        expect(result.ok, result.output).toBe(true);
        expect(result.output).toContain('Clusters are compatible');
      }
    });
  }
});
