import type { Session } from '../../core/session.js';

/** One sequence set on green: blue's last value and what green now continues after. */
export interface SequenceAdvance {
  sequence: string;
  blueLastValue: string;
  greenValue: string;
}

/**
 * Logical replication does not carry sequences: each sequence blue has used is set on green past
 * blue's `last_value` by `margin` increments, so that rows green inserts after the switchover
 * never reuse an id blue handed out (including ids blue cached in sessions but never wrote).
 * Sequences blue never used are left alone.
 */
export async function advanceSequences(blue: Session, green: Session, margin: number): Promise<SequenceAdvance[]> {
  const used = await blue.query<{ name: string; last: string; step: string }>(
    `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS last, increment_by::text AS step
     FROM pg_sequences WHERE last_value IS NOT NULL ORDER BY 1`,
  );
  const advanced: SequenceAdvance[] = [];
  for (const s of used) {
    const target = (BigInt(s.last) + BigInt(margin) * BigInt(s.step)).toString();
    const [row] = await green.query<{ v: string }>(`SELECT setval($1::regclass, $2::int8, true)::text AS v`, [s.name, target]);
    advanced.push({ sequence: s.name, blueLastValue: s.last, greenValue: row?.v ?? target });
  }
  return advanced;
}
