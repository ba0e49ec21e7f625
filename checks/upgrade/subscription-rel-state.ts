import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface RelStateRow extends Row {
  srsubstate: string;
  subname: string | null;
  nspname: string | null;
  relname: string | null;
}

const STATE_NAMES: Record<string, string> = { d: 'data sync', s: 'sync done', f: 'finished copy' };

/**
 * From 17, pg_upgrade keeps subscriptions' table states, and accepts only `i` (initialize) and
 * `r` (ready): a table mid-sync would leave a slot or origin named after the old subscription OID.
 */
export const subscriptionRelState = defineUpgradeCheck<RelStateRow>({
  id: 'subscription-rel-state',
  title: 'Subscribed tables not in the initialize or ready state',
  pgUpgrade: 'check_old_cluster_subscription_state (table states)',
  severity: 'fail',
  scope: 'database',
  when: 'source 17 or newer',
  appliesTo: ({ source, target }) => source >= 17 && target >= 17,
  query: () => `SELECT r.srsubstate, s.subname, n.nspname, c.relname
FROM pg_catalog.pg_subscription_rel r
LEFT JOIN pg_catalog.pg_subscription s ON r.srsubid = s.oid
LEFT JOIN pg_catalog.pg_class c ON r.srrelid = c.oid
LEFT JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
WHERE r.srsubstate NOT IN ('i', 'r')
ORDER BY s.subname, n.nspname, c.relname`,
  interpret: (rows, ctx) =>
    rows.map((r) => ({
      database: ctx.database,
      object: qualified(r.nspname, r.relname),
      detail: `subscription ${r.subname ?? '?'}: state ${r.srsubstate} (${STATE_NAMES[r.srsubstate] ?? 'not allowed'})`,
    })),
  advice: 'Let the initial synchronisation of every table finish (state r) before the upgrade.',
});
