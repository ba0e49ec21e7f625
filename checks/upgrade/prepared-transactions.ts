import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface PreparedRow extends Row {
  gid: string;
  database: string;
  owner: string;
}

/** Prepared transactions must be resolved first: their on-disk state may change format. */
export const preparedTransactions = defineUpgradeCheck<PreparedRow>({
  id: 'prepared-transactions',
  title: 'Prepared transactions',
  pgUpgrade: 'check_for_prepared_transactions',
  severity: 'fail',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  query: () => `SELECT gid, database, owner FROM pg_catalog.pg_prepared_xacts ORDER BY gid`,
  interpret: (rows) => rows.map((r) => ({ database: r.database, object: r.gid, detail: `prepared by ${r.owner}` })),
  advice: 'COMMIT PREPARED or ROLLBACK PREPARED every prepared transaction before the upgrade.',
});
