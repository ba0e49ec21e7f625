import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';

interface LibraryRow extends Row {
  probin: string;
}

/**
 * pg_upgrade LOADs, on the target, every library a user C function names. That can only be
 * tried on the target, so the libraries are listed here for whoever prepares it.
 */
export const loadableLibraries = defineUpgradeCheck<LibraryRow>({
  id: 'loadable-libraries',
  title: 'Libraries of C-language functions the target must provide',
  pgUpgrade: 'get_loadable_libraries / check_loadable_libraries',
  severity: 'info',
  scope: 'database',
  when: 'every source',
  appliesTo: () => true,
  // prolang 13 is ClanguageId; 16384 is FirstNormalObjectId.
  query: () => `SELECT DISTINCT probin FROM pg_catalog.pg_proc
WHERE prolang = 13 AND probin IS NOT NULL AND oid >= 16384
ORDER BY probin`,
  interpret: (rows, ctx) => rows.map((r) => ({ database: ctx.database, object: r.probin })),
  advice: 'Install these libraries (the same extensions, built for the target major) in the new installation before running pg_upgrade.',
});
