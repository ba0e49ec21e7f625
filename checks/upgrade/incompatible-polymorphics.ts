import type { Row } from '../../core/session.js';
import { defineUpgradeCheck } from './upgrade-check.js';
import type { VersionPair } from './versions.js';

interface PolymorphicRow extends Row {
  objkind: string;
  objname: string;
}

/** The built-in functions that took anyarray/anyelement before 14 (the list grew with versions). */
export function oldPolymorphics(source: number): string[] {
  const names = ['array_append(anyarray,anyelement)', 'array_cat(anyarray,anyarray)', 'array_prepend(anyelement,anyarray)'];
  if (source >= 9.3) names.push('array_remove(anyarray,anyelement)', 'array_replace(anyarray,anyelement,anyelement)');
  if (source >= 9.5) {
    names.push(
      'array_position(anyarray,anyelement)',
      'array_position(anyarray,anyelement,integer)',
      'array_positions(anyarray,anyelement)',
      'width_bucket(anyelement,anyarray)',
    );
  }
  return names;
}

function query({ source }: VersionPair): string {
  const list = oldPolymorphics(source).map((n) => `'${n}'`).join(', ');
  return `SELECT 'aggregate' AS objkind, p.oid::regprocedure::text AS objname
FROM pg_proc AS p JOIN pg_aggregate AS a ON a.aggfnoid = p.oid JOIN pg_proc AS transfn ON transfn.oid = a.aggtransfn
WHERE p.oid >= 16384 AND a.aggtransfn = ANY(ARRAY[${list}]::regprocedure[])
  AND a.aggtranstype = ANY(ARRAY['anyarray', 'anyelement']::regtype[])
UNION ALL
SELECT 'aggregate' AS objkind, p.oid::regprocedure::text AS objname
FROM pg_proc AS p JOIN pg_aggregate AS a ON a.aggfnoid = p.oid JOIN pg_proc AS finalfn ON finalfn.oid = a.aggfinalfn
WHERE p.oid >= 16384 AND a.aggfinalfn = ANY(ARRAY[${list}]::regprocedure[])
  AND a.aggtranstype = ANY(ARRAY['anyarray', 'anyelement']::regtype[])
UNION ALL
SELECT 'operator' AS objkind, op.oid::regoperator::text AS objname
FROM pg_operator AS op
WHERE op.oid >= 16384 AND oprcode = ANY(ARRAY[${list}]::regprocedure[])
  AND oprleft = ANY(ARRAY['anyarray', 'anyelement']::regtype[])`;
}

/** PostgreSQL 14 moved these functions to anycompatiblearray; objects built on them break. */
export const incompatiblePolymorphics = defineUpgradeCheck<PolymorphicRow>({
  id: 'incompatible-polymorphics',
  title: 'User objects on old anyarray/anyelement polymorphic functions',
  pgUpgrade: 'check_for_incompatible_polymorphics',
  severity: 'fail',
  scope: 'database',
  when: 'source 13 or older',
  appliesTo: ({ source, target }) => source <= 13 && target >= 14,
  query,
  interpret: (rows, ctx) => rows.map((r) => ({ database: ctx.database, object: r.objname, detail: r.objkind })),
  advice: 'Drop these aggregates and operators before the upgrade and recreate them on the anycompatible variants afterwards.',
});
