import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface ConversionRow extends Row {
  conoid: number | string;
  conname: string;
  nspname: string;
}

/** PostgreSQL 14 changed the signature of encoding conversion functions. */
export const encodingConversions = defineUpgradeCheck<ConversionRow>({
  id: 'encoding-conversions',
  title: 'User-defined encoding conversions',
  pgUpgrade: 'check_for_user_defined_encoding_conversions',
  severity: 'fail',
  scope: 'database',
  when: 'source 13 or older',
  appliesTo: ({ source, target }) => source <= 13 && target >= 14,
  // 16384 is the source's FirstNormalObjectId, hard-coded as check.c does.
  query: () => `SELECT c.oid AS conoid, c.conname, n.nspname
FROM pg_catalog.pg_conversion c, pg_catalog.pg_namespace n
WHERE c.connamespace = n.oid AND c.oid >= 16384
ORDER BY 3, 2`,
  interpret: (rows, ctx) => rows.map((r) => ({ database: ctx.database, object: qualified(r.nspname, r.conname) })),
  advice: 'Drop the user-defined conversions before the upgrade and recreate them with functions of the new signature.',
});
