import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** PostgreSQL 12 removed the reltime type. */
export const reltimeType = dataTypeUsageCheck({
  id: 'reltime-type',
  title: 'Removed "reltime" data type in user tables',
  when: 'source 11 or older',
  appliesTo: upTo(11),
  baseQuery: `SELECT 'pg_catalog.reltime'::pg_catalog.regtype AS oid`,
  advice: 'The reltime type was removed in PostgreSQL 12: drop the problem columns, or change them to another type, before the upgrade.',
});
