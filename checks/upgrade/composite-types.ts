import { dataTypeUsageCheck } from './data-type-usage.js';

/** System composite types (row types of catalogs, information_schema) have OIDs that change. */
export const compositeTypes = dataTypeUsageCheck({
  id: 'composite-types',
  title: 'System-defined composite types in user tables',
  when: 'every source',
  appliesTo: () => true,
  // The cutoff is the source's FirstNormalObjectId, hard-coded as check.c does.
  baseQuery: `SELECT t.oid FROM pg_catalog.pg_type t
  LEFT JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid
  WHERE typtype = 'c' AND (t.oid < 16384 OR nspname = 'information_schema')`,
  advice: 'These type OIDs are not stable across major versions: drop the problem columns, or change their type, before the upgrade.',
});
