import { defineUpgradeCheck } from './upgrade-check.js';
import { formatMajor } from './versions.js';

/** pg_upgrade's `check_cluster_versions`: no downgrades, and nothing older than 9.2. */
export const clusterVersions = defineUpgradeCheck({
  id: 'cluster-versions',
  title: 'Source and target versions pg_upgrade accepts',
  pgUpgrade: 'check_cluster_versions',
  severity: 'fail',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  interpret: (_rows, { source, target }) => {
    const problems = [];
    if (source > target) {
      problems.push({
        object: `PostgreSQL ${formatMajor(source)} -> ${formatMajor(target)}`,
        detail: 'pg_upgrade cannot downgrade to an older major version',
      });
    }
    if (source < 9.2) {
      problems.push({ object: `PostgreSQL ${formatMajor(source)}`, detail: 'pg_upgrade upgrades only from 9.2 and later' });
    }
    return problems;
  },
  advice: 'Choose a target major at least as new as the source (upgrade.targetMajor), or dump and restore instead.',
});
