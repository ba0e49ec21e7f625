import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';
import { formatMajor } from './versions.js';

interface ChecksumRow extends Row {
  data_checksums: string;
}

/**
 * pg_upgrade refuses clusters that differ in data checksums (check_control_data). initdb enables
 * them by default from 18 on, so an 18 target for a cluster without them needs
 * --no-data-checksums, and an older target for a cluster with them needs --data-checksums.
 */
export const dataChecksums = defineUpgradeCheck<ChecksumRow>({
  id: 'data-checksums',
  title: 'Data checksums the target must be initialised with',
  pgUpgrade: 'check_control_data (data checksum version)',
  severity: 'warn',
  scope: 'cluster',
  when: 'every source',
  appliesTo: () => true,
  // Through pg_settings: a server older than 9.3 has no such setting (no row: no checksums).
  query: () => `SELECT setting AS data_checksums FROM pg_catalog.pg_settings WHERE name = 'data_checksums'`,
  interpret: (rows, { target }) => {
    const on = rows[0]?.data_checksums === 'on';
    if (!on && target >= 18) {
      return [{
        object: 'data_checksums = off',
        detail: `initdb of PostgreSQL ${formatMajor(target)} enables checksums by default: initialise the target with --no-data-checksums`,
      }];
    }
    if (on && target < 18) {
      return [{
        object: 'data_checksums = on',
        detail: `initdb of PostgreSQL ${formatMajor(target)} does not enable checksums by default: initialise the target with --data-checksums`,
      }];
    }
    return [];
  },
  facts: (rows) => ({ dataChecksums: rows[0]?.data_checksums ?? null }),
  advice: 'Initialise the new cluster with the same data checksum setting as the old one (pg_checksums can change it offline).',
});
