import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** Tables may no longer have "unknown" columns; a matview's would silently become text. */
export const unknownType = dataTypeUsageCheck({
  id: 'unknown-type',
  title: 'Invalid "unknown" user columns',
  when: 'source 9.6 or older',
  appliesTo: upTo(9.6),
  baseQuery: `SELECT 'pg_catalog.unknown'::pg_catalog.regtype AS oid`,
  advice: 'The unknown type is no longer allowed in tables: drop the problem columns, or change them to text, before the upgrade.',
});
