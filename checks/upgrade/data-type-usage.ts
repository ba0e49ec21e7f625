import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified, type UpgradeCheckDefinition } from './upgrade-check.js';
import type { VersionPair } from './versions.js';

/**
 * pg_upgrade's `data_type_check_query`: stored columns (tables, matviews, indexes; not views) whose
 * type is one of the types `baseQuery` returns, or a domain, array, composite or range over one,
 * at any depth. `baseQuery` yields one column named `oid`.
 */
export function dataTypeUsageQuery(baseQuery: string): string {
  return `WITH RECURSIVE oids AS (
  ${baseQuery}
  UNION ALL
  SELECT * FROM (
    WITH x AS (SELECT oid FROM oids)
      SELECT t.oid FROM pg_catalog.pg_type t, x WHERE typbasetype = x.oid AND typtype = 'd'
      UNION ALL
      SELECT t.oid FROM pg_catalog.pg_type t, x WHERE typelem = x.oid AND typtype = 'b'
      UNION ALL
      SELECT t.oid FROM pg_catalog.pg_type t, pg_catalog.pg_class c, pg_catalog.pg_attribute a, x
      WHERE t.typtype = 'c' AND t.oid = c.reltype AND c.oid = a.attrelid AND NOT a.attisdropped AND a.atttypid = x.oid
      UNION ALL
      SELECT t.oid FROM pg_catalog.pg_type t, pg_catalog.pg_range r, x
      WHERE t.typtype = 'r' AND r.rngtypid = t.oid AND r.rngsubtype = x.oid
  ) foo
)
SELECT n.nspname, c.relname, a.attname
FROM pg_catalog.pg_class c, pg_catalog.pg_namespace n, pg_catalog.pg_attribute a
WHERE c.oid = a.attrelid
  AND NOT a.attisdropped
  AND a.atttypid IN (SELECT oid FROM oids)
  AND c.relkind IN ('r', 'm', 'i')
  AND c.relnamespace = n.oid
  AND n.nspname !~ '^pg_temp_'
  AND n.nspname !~ '^pg_toast_temp_'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3`;
}

interface ColumnRow extends Row {
  nspname: string;
  relname: string;
  attname: string;
}

/** One entry of pg_upgrade's `data_types_usage_checks` table. */
export interface DataTypeUsageOptions {
  id: string;
  title: string;
  when: string;
  appliesTo(versions: VersionPair): boolean;
  /** The `base_query` of the entry in check.c. */
  baseQuery: string;
  advice: string;
}

/** A rule that refuses stored columns of a type whose on-disk format or OIDs do not survive. */
export function dataTypeUsageCheck(options: DataTypeUsageOptions): UpgradeCheckDefinition {
  return defineUpgradeCheck<ColumnRow>({
    id: options.id,
    title: options.title,
    pgUpgrade: 'check_for_data_types_usage',
    severity: 'fail',
    scope: 'database',
    when: options.when,
    appliesTo: options.appliesTo,
    query: () => dataTypeUsageQuery(options.baseQuery),
    interpret: (rows, ctx) =>
      rows.map((r) => ({ database: ctx.database, object: qualified(r.nspname, r.relname, r.attname) })),
    advice: options.advice,
  });
}

/** The usual rule of check.c's table: the check runs when the source is at most `threshold`. */
export function upTo(threshold: number): (versions: VersionPair) => boolean {
  return ({ source, target }) => source <= threshold && target > threshold;
}
