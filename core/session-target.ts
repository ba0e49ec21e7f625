import type pg from 'pg';
import type { TargetSessionAttrs } from './endpoint.js';

/** What libpq's target check needs to know, from the server's ParameterStatus reports. */
export type ReportedParameters = Map<string, string>;

/** What one pass of the host loop asks for (`prefer-standby` is a standby pass, then an any pass). */
export type TargetPass = Exclude<TargetSessionAttrs, 'prefer-standby'>;

/** The passes libpq makes over the host list for a `target_session_attrs`. */
export function targetPasses(target: TargetSessionAttrs): TargetPass[] {
  return target === 'prefer-standby' ? ['standby', 'any'] : [target];
}

/** Words for the error that says no host matched: "no host is a read-write server". */
export const TARGET_NOUN: Record<TargetSessionAttrs, string> = {
  any: 'reachable server',
  'read-write': 'read-write server',
  'read-only': 'read-only server',
  primary: 'primary',
  standby: 'standby',
  'prefer-standby': 'reachable server',
};

/**
 * Why a freshly connected session does not match what `pass` asks for, or `undefined` when it
 * does: libpq's check. A server of PostgreSQL 14 or later reports `in_hot_standby` and
 * `default_transaction_read_only` at startup and those are used; an older one is asked
 * (`SHOW transaction_read_only`, `SELECT pg_is_in_recovery()`), one statement on the connection.
 */
export async function targetMismatch(client: pg.Client, reported: ReportedParameters, pass: TargetPass): Promise<string | undefined> {
  if (pass === 'any') return undefined;
  const hotStandby = reported.get('in_hot_standby');
  if (pass === 'read-write' || pass === 'read-only') {
    let readOnly: boolean;
    let why: string;
    const defaultReadOnly = reported.get('default_transaction_read_only');
    if (hotStandby !== undefined && defaultReadOnly !== undefined) {
      readOnly = hotStandby === 'on' || defaultReadOnly === 'on';
      why = hotStandby === 'on' ? 'server is in recovery' : 'default_transaction_read_only is on';
    } else {
      const { rows } = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
      readOnly = rows[0]?.transaction_read_only === 'on';
      why = 'transaction_read_only is on';
    }
    if (pass === 'read-write') return readOnly ? `session is read-only (${why})` : undefined;
    return readOnly ? undefined : 'session is not read-only';
  }
  let inRecovery: boolean;
  if (hotStandby !== undefined) {
    inRecovery = hotStandby === 'on';
  } else {
    const { rows } = await client.query<{ r: boolean }>('SELECT pg_catalog.pg_is_in_recovery() AS r');
    inRecovery = rows[0]?.r === true;
  }
  if (pass === 'primary') return inRecovery ? 'server is in recovery' : undefined;
  return inRecovery ? undefined : 'server is not in recovery';
}

/** Whether session settings make the session read-only from its first statement (cutover's checks do). */
export function forcesReadOnly(options: unknown): boolean {
  return typeof options === 'string' && /default_transaction_read_only\s*=\s*(on|true|yes|1)\b/i.test(options);
}
