import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** PostgreSQL 12 changed sql_identifier's storage from varchar to name. */
export const sqlIdentifierType = dataTypeUsageCheck({
  id: 'sql-identifier-type',
  title: 'Invalid "sql_identifier" user columns',
  when: 'source 11 or older',
  appliesTo: upTo(11),
  baseQuery: `SELECT 'information_schema.sql_identifier'::pg_catalog.regtype AS oid`,
  advice: 'The on-disk format of sql_identifier changed in PostgreSQL 12: drop the problem columns (or change them to text) before the upgrade.',
});
