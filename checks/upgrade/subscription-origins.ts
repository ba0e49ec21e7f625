import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SubscriptionRow extends Row {
  datname: string;
  subname: string;
}

/** From 17, every subscription must still have its replication origin (`pg_<subscription oid>`). */
export const subscriptionOrigins = defineUpgradeCheck<SubscriptionRow>({
  id: 'subscription-origins',
  title: 'Subscriptions without a replication origin',
  pgUpgrade: 'check_old_cluster_subscription_state (origins)',
  severity: 'fail',
  scope: 'cluster',
  when: 'source 17 or newer',
  appliesTo: ({ source, target }) => source >= 17 && target >= 17,
  query: () => `SELECT d.datname, s.subname
FROM pg_catalog.pg_subscription s
LEFT OUTER JOIN pg_catalog.pg_replication_origin o ON o.roname = 'pg_' || s.oid
INNER JOIN pg_catalog.pg_database d ON d.oid = s.subdbid
WHERE o.roname IS NULL
ORDER BY 1, 2`,
  interpret: (rows) => rows.map((r) => ({ database: r.datname, object: r.subname, detail: 'replication origin missing' })),
  advice: 'Recreate the subscription (DROP SUBSCRIPTION, CREATE SUBSCRIPTION) so that it has its origin again.',
});
