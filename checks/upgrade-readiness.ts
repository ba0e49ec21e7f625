import { defineCheck } from './define-check.js';
import { UPGRADE_CHECKS, NEWEST_KNOWN_MAJOR, formatMajor, majorOf, runUpgradeChecks } from './upgrade/index.js';
import { readinessFindings, type UpgradeReadinessData } from './upgrade/readiness-findings.js';

/**
 * pg_upgrade's `--check`, as far as SQL over a plain read-only connection can tell: every rule of
 * `checks/upgrade/` that pg_upgrade of the target major runs on this source, in every database
 * pg_upgrade would visit. Needs only pg_monitor. A pre-check: it describes the old cluster.
 * The target is `upgrade.targetMajor`, which `cutover run` and `rehearse` set to the run's own
 * (green's major, or the source's for a minor upgrade); without one, the newest known major is
 * judged, and an upgrade nobody asked for only informs (readiness-findings.ts).
 */
export const upgradeReadiness = defineCheck<UpgradeReadinessData>({
  id: 'upgrade.compat',
  title: 'pg_upgrade compatibility',
  doc: {
    collects: "the findings of pg_upgrade's own --check rules, run as read-only SQL against the source for the target major (`upgrade.targetMajor`)",
    evaluates: 'each rule that finds an object pg_upgrade would refuse or that would behave differently after',
    compares: 'nothing: the check belongs to the pre suite',
    findings: {
      '<rule id>': { severity: 'varies', meaning: 'a rule found objects (reg* types in columns, removed data types, postfix operators, prepared transactions, logical slots…): fail when pg_upgrade refuses them, else warn or info' },
      '<rule id>:error': { severity: 'varies', meaning: 'a rule could not run' },
      'target-defaulted': { severity: 'info', meaning: 'no target major configured: the newest known was assumed' },
      'target-same-major': { severity: 'info', meaning: 'the target is the same major: nothing to check' },
      uninspected: { severity: 'warn', meaning: 'a database could not be inspected' },
    },
  },
  suites: ['pre'],
  async collect(ctx) {
    const configured = ctx.config.upgrade.targetMajor;
    const target = configured ?? NEWEST_KNOWN_MAJOR;
    const source = majorOf(ctx.serverVersionNum);
    const [identity] = await ctx.db.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    // Like pg_upgrade: every database but template0 (a database that refuses connections is
    // itself a violation, reported by database-connections).
    const databases = (
      await ctx.db.query<{ datname: string }>(
        `SELECT datname FROM pg_catalog.pg_database
         WHERE datallowconn AND datconnlimit <> -2 AND datname <> 'template0' ORDER BY datname`,
      )
    ).map((r) => r.datname);
    const { results, uninspected } = await runUpgradeChecks({
      checks: UPGRADE_CHECKS,
      versions: { source, target },
      cluster: ctx.db,
      databases,
      // A session left on template1 would make every CREATE DATABASE fail until the suite
      // ends, so template1 gets a session of its own, closed as soon as its rules are done.
      connect: (database) => (database === 'template1' ? ctx.openSession(database) : ctx.connect(database)),
      release: async (database, session) => {
        if (database === 'template1') await session.close();
      },
    });
    return {
      source: { version: identity?.version.split(' ')[0] ?? '', major: source },
      target: {
        major: target,
        from: configured === undefined ? 'default' : 'config',
        ...(configured === undefined
          ? { note: `upgrade.targetMajor is not set: checked against PostgreSQL ${formatMajor(target)}, the newest major cutover knows (advisories are information only)` }
          : {}),
      },
      databases,
      uninspected,
      checks: results,
    };
  },
  evaluate: (data) => readinessFindings(data),
  // Nothing to compare: the rules describe the cluster before the upgrade, and evaluate says it.
  compare: () => [],
});
