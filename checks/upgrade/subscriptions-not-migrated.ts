import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface SubscriptionRow extends Row {
  datname: string;
  subname: string;
}

/**
 * Before 17, pg_upgrade does not keep subscriptions' table states or origin progress: the
 * subscriptions come back without them and must be refreshed, recopying their tables.
 */
export const subscriptionsNotMigrated = defineUpgradeCheck<SubscriptionRow>({
  id: 'subscriptions-not-migrated',
  title: 'Subscriptions whose state pg_upgrade will not migrate',
  pgUpgrade: 'get_subscription_count (source < 17)',
  severity: 'warn',
  scope: 'cluster',
  when: 'source 10 to 16',
  appliesTo: ({ source }) => source >= 10 && source < 17,
  query: () => `SELECT d.datname, s.subname
FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_database d ON d.oid = s.subdbid
ORDER BY 1, 2`,
  interpret: (rows) =>
    rows.map((r) => ({ database: r.datname, object: r.subname, detail: 'table states and origin progress are not migrated' })),
  advice: 'Plan to re-enable and refresh these subscriptions after the upgrade (tables are copied again), or upgrade the subscriber another way.',
});
