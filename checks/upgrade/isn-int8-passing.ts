import type { Row } from '../../core/session.js';
import { defineUpgradeCheck, qualified } from './upgrade-check.js';

interface IsnRow extends Row {
  nspname: string;
  proname: string;
  float8_pass_by_value: boolean | null;
}

/**
 * contrib/isn's types are declared with int8's pass-by-value setting, so they break when source
 * and target disagree on it. The target's setting is not visible from here; it is assumed to
 * pass by value, as every 64-bit build does. pg_control_init() exists from 9.6 on.
 */
export const isnInt8Passing = defineUpgradeCheck<IsnRow>({
  id: 'isn-int8-passing',
  title: 'contrib/isn with a bigint-passing mismatch',
  pgUpgrade: 'check_for_isn_and_int8_passing_mismatch',
  severity: 'fail',
  scope: 'database',
  when: 'every source whose bigint passing differs from the target (a 32-bit source)',
  appliesTo: () => true,
  query: ({ source }) => `SELECT n.nspname, p.proname, ${
    source >= 9.6 ? '(SELECT float8_pass_by_value FROM pg_catalog.pg_control_init())' : 'NULL::boolean'
  } AS float8_pass_by_value
FROM pg_catalog.pg_proc p, pg_catalog.pg_namespace n
WHERE p.pronamespace = n.oid AND p.probin = '$libdir/isn'
ORDER BY 1, 2`,
  interpret: (rows, ctx) =>
    rows
      .filter((r) => r.float8_pass_by_value === false)
      .map((r) => ({
        database: ctx.database,
        object: qualified(r.nspname, r.proname),
        detail: 'the source passes bigint by reference; a 64-bit target passes it by value',
      })),
  advice: 'Dump the databases that use contrib/isn, drop isn there, upgrade, then restore them.',
});
