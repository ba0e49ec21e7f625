import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint } from './fingerprint.js';

export interface SequenceInfo {
  dataType: string;
  /** int8 values are kept as strings: JSON numbers lose precision past 2^53. */
  start: string;
  increment: string;
  min: string;
  max: string;
  cycle: boolean;
  /**
   * `pg_sequences.last_value`: null when the sequence was never used, or when this role has
   * neither SELECT nor USAGE on it (the view hides the value rather than failing).
   */
  lastValue: string | null;
  /** Present when this role may not read the sequence, so a null last value means "hidden". */
  unreadable?: true;
  /** Of the definition only: the last value moves without the sequence changing. */
  fp: string;
}

/** Sequences with their last values, keyed by quoted qualified name. */
export async function collectSequences(db: Session): Promise<Record<string, SequenceInfo>> {
  const rows = await db.query<{
    name: string;
    data_type: string;
    start_value: string;
    increment_by: string;
    min_value: string;
    max_value: string;
    cycle: boolean;
    last_value: string | null;
    readable: boolean;
  }>(
    `SELECT format('%I.%I', s.schemaname, s.sequencename) AS name, s.data_type::text AS data_type,
            s.start_value::text AS start_value, s.increment_by::text AS increment_by, s.min_value::text AS min_value,
            s.max_value::text AS max_value, s.cycle, s.last_value::text AS last_value,
            has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable
       FROM pg_sequences s
       JOIN pg_namespace n ON n.nspname = s.schemaname
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
      WHERE ${userRelation('c', 'n')}
      ORDER BY 1`,
  );
  const result: Record<string, SequenceInfo> = {};
  for (const r of rows) {
    const definition = {
      dataType: r.data_type,
      start: r.start_value,
      increment: r.increment_by,
      min: r.min_value,
      max: r.max_value,
      cycle: r.cycle,
    };
    result[r.name] = {
      ...definition,
      lastValue: r.last_value,
      ...(r.readable ? {} : { unreadable: true as const }),
      fp: fingerprint(definition),
    };
  }
  return result;
}
