import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** PostgreSQL 12 removed the abstime type. */
export const abstimeType = dataTypeUsageCheck({
  id: 'abstime-type',
  title: 'Removed "abstime" data type in user tables',
  when: 'source 11 or older',
  appliesTo: upTo(11),
  baseQuery: `SELECT 'pg_catalog.abstime'::pg_catalog.regtype AS oid`,
  advice: 'The abstime type was removed in PostgreSQL 12: drop the problem columns, or change them to another type, before the upgrade.',
});
