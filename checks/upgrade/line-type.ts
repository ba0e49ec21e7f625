import { dataTypeUsageCheck, upTo } from './data-type-usage.js';

/** 9.4 gave "line" a real on-disk format; values stored by 9.3 and older are unreadable. */
export const lineType = dataTypeUsageCheck({
  id: 'line-type',
  title: 'Incompatible "line" data type in user tables',
  when: 'source 9.3 or older',
  appliesTo: upTo(9.3),
  baseQuery: `SELECT 'pg_catalog.line'::pg_catalog.regtype AS oid`,
  advice: 'The line type changed its internal and input/output format in 9.4: drop the problem columns before the upgrade.',
});
