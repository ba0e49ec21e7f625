import { dataTypeUsageCheck } from './data-type-usage.js';

/**
 * reg* types store OIDs of catalog rows pg_upgrade does not preserve. regclass, regrole and
 * regtype are fine (pg_class, pg_authid and pg_type OIDs are preserved), so they are not listed.
 */
export const regTypes = dataTypeUsageCheck({
  id: 'reg-types',
  title: 'reg* data types in user tables',
  when: 'every source',
  appliesTo: () => true,
  // Written against pg_type by name because older servers lack some of these types.
  baseQuery: `SELECT oid FROM pg_catalog.pg_type t
  WHERE t.typnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog')
    AND t.typname IN ('regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure')`,
  advice: 'These types reference OIDs pg_upgrade does not preserve: drop the problem columns (or store names as text) before the upgrade.',
});
