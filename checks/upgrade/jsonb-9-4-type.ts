import { dataTypeUsageCheck } from './data-type-usage.js';

/**
 * jsonb changed its storage format during the 9.4 beta. pg_upgrade checks only 9.4 clusters
 * initialised by a beta (catalog version before 201409291); that is not visible over SQL on 9.4,
 * so every 9.4 source is checked, which can only report too much.
 */
export const jsonb94Type = dataTypeUsageCheck({
  id: 'jsonb-9-4-type',
  title: 'Incompatible "jsonb" data type in user tables (9.4 beta format)',
  when: 'source 9.4 (clusters created by a 9.4 beta)',
  appliesTo: ({ source, target }) => source === 9.4 && target > 9.4,
  baseQuery: `SELECT 'pg_catalog.jsonb'::pg_catalog.regtype AS oid`,
  advice: 'If this cluster was initialised by a 9.4 beta, its jsonb format is not readable: dump and reload the problem columns first.',
});
