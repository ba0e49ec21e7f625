import { openSession } from '../core/session.js';
import { ledgerDir } from '../load/ledger-format.js';
import { readLedgers } from '../load/ledger-reader.js';
import { EVENTS_TABLE } from '../load/ledger-table.js';
import { qualified } from '../load/sql-ident.js';
import { verifyAgainst, type LedgerVerification } from '../load/verify-ledger.js';
import { sqlIdSource } from '../load/verify-source.js';
import type { Cluster } from './topology/cluster.js';

/**
 * What green lacked when writes resumed there: ids acknowledged before `at` and absent from the
 * cluster at that moment. Those present at the end of the run are late, the others lost.
 */
export interface ResumePoint {
  role: string;
  at: string;
  /** Ledger ids acknowledged before the resume and missing on the cluster then. */
  missing: bigint[];
}

/** How long a resume point waits for the ledger to be flushed past the resume (it is flushed each second). */
export const RESUME_SETTLE_MS = 1_500;

/**
 * What `cluster` (green) lacks of the writes acknowledged before now. Green's contents are taken
 * now (a repeatable-read snapshot, held open); the ledger, which is flushed about once a second,
 * is read `settleMs` later, so that it holds every acknowledgement of before now. Acknowledgements
 * of after now, which the ledger then holds too, went to green itself: with `previous` (blue, whose
 * clients were stopped before the resume), only ids blue has count, which excludes them exactly.
 * Without `previous` the ledger is read at once and acknowledgements of the last second may be
 * missed (they then count as lost if they never arrive, rather than late).
 */
export async function captureResumePoint(o: { runDir: string; cluster: Cluster; schema: string; previous?: Cluster; settleMs?: number }): Promise<ResumePoint> {
  const at = new Date().toISOString();
  await using db = await openSession(o.cluster.endpoint(), { readOnly: true, statementTimeoutMs: 0, applicationName: 'cutover-resume-point' });
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // The snapshot is taken by the first statement, not by BEGIN.
    await db.query('SELECT 1');
    if (o.previous) await new Promise((resolve) => setTimeout(resolve, o.settleMs ?? RESUME_SETTLE_MS));
    const ledgers = await readLedgers(ledgerDir(o.runDir));
    const verification = await verifyAgainst(ledgers, sqlIdSource(db, o.schema, EVENTS_TABLE), Infinity);
    await db.query('COMMIT');
    const absent = verification.ids.lost;
    const missing = o.previous ? await presentOn(o.previous, o.schema, absent) : absent;
    return { role: o.cluster.role, at, missing: missing.map((id) => BigInt(id)) };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The ids among `ids` that `cluster` holds in the events table. */
async function presentOn(cluster: Cluster, schema: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  await using db = await openSession(cluster.endpoint(), { readOnly: true, statementTimeoutMs: 0, applicationName: 'cutover-resume-point' });
  const rows = await db.query<{ id: string }>(`SELECT DISTINCT id::text AS id FROM ${qualified(schema, EVENTS_TABLE)} WHERE id = ANY($1::int8[]) ORDER BY 1`, [ids]);
  const present = new Set(rows.map((r) => r.id));
  return ids.filter((id) => present.has(id));
}

/** Late writes of a run: missing at a resume point, present at the end. */
export interface LateWrites {
  /** Ids missing at some resume point that the final writer has. */
  late: number;
  lateIds: bigint[];
  /** Ids missing at a resume point that never arrived (they are among the final verification's lost). */
  neverArrived: number;
  /**
   * False when the final verification listed fewer lost ids than it counted (its ids cap): ids
   * past the last one it listed cannot be told apart and are counted in neither figure.
   */
  exact: boolean;
}

/**
 * Sorts the ids missing at the resume points by the final verification: those no longer lost
 * arrived late (the "stuck" notifications of a hand-run soak test), the others stay lost.
 */
export function lateWrites(points: readonly ResumePoint[], final: LedgerVerification): LateWrites {
  const stillLost = new Set(final.ids.lost);
  const exact = final.ids.lost.length >= final.lost;
  const lastListed = final.ids.lost.at(-1);
  const horizon = exact ? undefined : lastListed === undefined ? -1n : BigInt(lastListed);
  const missing = new Set<bigint>();
  for (const p of points) for (const id of p.missing) missing.add(id);
  const lateIds: bigint[] = [];
  let neverArrived = 0;
  for (const id of [...missing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (horizon !== undefined && id > horizon) continue;
    if (stillLost.has(id.toString())) neverArrived++;
    else lateIds.push(id);
  }
  return { late: lateIds.length, lateIds, neverArrived, exact };
}
