import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** PostgreSQL 16 widened aclitem, so stored aclitem values of 15 and older cannot be read. */
export const aclitemType = dataTypeUsageCheck({
  id: 'aclitem-type',
  title: 'Incompatible "aclitem" data type in user tables',
  when: 'source 15 or older, target 16 or newer',
  appliesTo: upTo(15),
  baseQuery: `SELECT 'pg_catalog.aclitem'::pg_catalog.regtype AS oid`,
  advice: 'The internal format of aclitem changed in PostgreSQL 16: drop the problem columns (or store them as text) before the upgrade.',
});
