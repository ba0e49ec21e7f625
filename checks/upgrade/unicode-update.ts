import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';
import { UNICODE_VERSION_OF_MAJOR, formatMajor } from './versions.js';

interface UnicodeRow extends Row {
  unicode: string;
  reloid: number | string;
  relkind: string;
  nspname: string;
  relname: string;
}

/**
 * pg_upgrade's query, verbatim in substance: relations whose constraints, indexes, partition keys
 * or matviews use expressions that depend on the built-in Unicode tables (normalize(), the
 * builtin provider's C.UTF-8 / PG_UNICODE_FAST collations...). `unicode` carries the source's
 * Unicode version on every row, for comparison with the target's.
 */
const QUERY = `WITH collations(collid) AS (
  SELECT oid FROM pg_collation
  WHERE collprovider = 'b' AND colllocale IN ('C.UTF-8', 'PG_UNICODE_FAST')
  UNION
  SELECT 'pg_catalog.default'::regcollation FROM pg_database
  WHERE datname = current_database() AND datlocprovider = 'b' AND datlocale IN ('C.UTF-8', 'PG_UNICODE_FAST')
),
functions(procid) AS (
  SELECT proc.oid FROM pg_proc proc
  WHERE proname IN ('normalize', 'unicode_assigned', 'unicode_version', 'is_normalized')
    AND pronamespace = 'pg_catalog'::regnamespace
),
coll_operators(operid, procid, collid) AS (
  SELECT oper.oid, oper.oprcode, collid FROM pg_operator oper, collations
  WHERE oprname IN ('~', '~*', '!~', '!~*', '~~*', '!~~*')
    AND oprnamespace = 'pg_catalog'::regnamespace AND oprright = 'text'::regtype
),
coll_functions(procid, collid) AS (
  SELECT proc.oid, collid FROM pg_proc proc, collations
  WHERE proname IN ('lower', 'initcap', 'upper') AND pronamespace = 'pg_catalog'::regnamespace
    AND proargtypes[0] = 'text'::regtype
  UNION
  SELECT procid, collid FROM coll_operators
),
patterns(p) AS (
  SELECT '{FUNCEXPR :funcid ' || procid::text || '[ }]' FROM functions
  UNION
  SELECT '{OPEXPR :opno ' || operid::text || ' (:\\w+ \\w+ )*' || ':inputcollid ' || collid::text || '[ }]' FROM coll_operators
  UNION
  SELECT '{FUNCEXPR :funcid ' || procid::text || ' (:\\w+ \\w+ )*' || ':inputcollid ' || collid::text || '[ }]' FROM coll_functions
)
SELECT pg_catalog.unicode_version() AS unicode, reloid, relkind, nspname, relname
FROM (
    SELECT conrelid FROM pg_constraint, patterns WHERE conbin::text ~ p
  UNION
    SELECT indexrelid FROM pg_index, patterns WHERE indexprs::text ~ p OR indpred::text ~ p
  UNION
    SELECT partrelid FROM pg_partitioned_table, patterns WHERE partexprs::text ~ p
  UNION
    SELECT ev_class FROM pg_rewrite, pg_class, patterns
    WHERE ev_class = pg_class.oid AND relkind = 'm' AND ev_action::text ~ p
) s(reloid), pg_class c, pg_namespace n, pg_database d
WHERE s.reloid = c.oid AND c.relnamespace = n.oid
  AND d.datname = current_database() AND d.encoding = pg_char_to_encoding('UTF8')
ORDER BY nspname, relname`;

/** A newer Unicode may change what these expressions return: indexes may need a REINDEX. */
export const unicodeUpdate = defineUpgradeCheck<UnicodeRow>({
  id: 'unicode-update',
  title: 'Objects affected by a Unicode update',
  pgUpgrade: 'check_for_unicode_update',
  severity: 'warn',
  scope: 'database',
  when: 'source 17 or newer, when the target has another Unicode version',
  appliesTo: ({ source, target }) => source >= 17 && target >= 18,
  query: () => QUERY,
  interpret: (rows, ctx) => {
    const targetUnicode = UNICODE_VERSION_OF_MAJOR[ctx.target];
    return rows
      .filter((r) => targetUnicode === undefined || r.unicode !== targetUnicode)
      .map((r) => ({
        database: ctx.database,
        object: qualified(r.nspname, r.relname),
        detail: `Unicode ${r.unicode} -> ${targetUnicode ?? `that of PostgreSQL ${formatMajor(ctx.target)} (unknown to cutover)`}`,
      }));
  },
  advice: 'After the upgrade, REINDEX the affected indexes and refresh the materialized views; check constraints and partition keys may need review.',
});
