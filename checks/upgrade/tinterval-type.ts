import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** PostgreSQL 12 removed the tinterval type. */
export const tintervalType = dataTypeUsageCheck({
  id: 'tinterval-type',
  title: 'Removed "tinterval" data type in user tables',
  when: 'source 11 or older',
  appliesTo: upTo(11),
  baseQuery: `SELECT 'pg_catalog.tinterval'::pg_catalog.regtype AS oid`,
  advice: 'The tinterval type was removed in PostgreSQL 12: drop the problem columns, or change them to another type, before the upgrade.',
});
