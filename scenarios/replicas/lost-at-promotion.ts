import type { Endpoint } from '../../core/endpoint.js';
import { openSession } from '../../core/session.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { EVENTS_TABLE } from '../../load/ledger-table.js';
import { qualified } from '../../load/sql-ident.js';
import { verifyAgainst } from '../../load/verify-ledger.js';
import { sqlIdSource } from '../../load/verify-source.js';
import { RESUME_SETTLE_MS } from '../late-writes.js';
import { SCENARIO_SOAK } from '../soak-through.js';
import type { Cluster } from '../topology/cluster.js';

/** Most ids a step's details list (the count is always exact). */
export const LISTED_IDS = 10_000;

/** The writes a promotion dropped: acknowledged by the old primary, absent on the new one. */
export interface LostAtPromotion {
  count: number;
  /** Ascending, at most LISTED_IDS of them. */
  ids: string[];
  /** When the old primary stopped serving (the kill, the freeze), ISO 8601. */
  since: string;
}

/**
 * Which acknowledged writes the promoted standby lacks. The ledger is read once every
 * acknowledgement of before the old primary stopped has reached it (it is flushed about once a
 * second: RESUME_SETTLE_MS after the stop), then the new primary is read in one snapshot taken
 * after it: every write it acknowledged since is then present, so what is absent and acknowledged
 * came from the old primary and never arrived. Undefined when the run has no soak ledger.
 */
export async function lostAtPromotion(o: { runDir: string; newPrimary: Cluster; stoppedAt: number; signal?: AbortSignal }): Promise<LostAtPromotion | undefined> {
  const wait = o.stoppedAt + RESUME_SETTLE_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const ledgers = await readLedgers(ledgerDir(o.runDir)).catch(() => []);
  if (!ledgers.length) return undefined;
  await using db = await openSession(o.newPrimary.endpoint(), { readOnly: true, statementTimeoutMs: 0, applicationName: 'cutover-admin' });
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const verification = await verifyAgainst(ledgers, sqlIdSource(db, SCENARIO_SOAK.schema, EVENTS_TABLE), Infinity);
    await db.query('COMMIT');
    return { count: verification.lost, ids: verification.ids.lost.slice(0, LISTED_IDS), since: new Date(o.stoppedAt).toISOString() };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** What the old primary, started read-only, says of the ids a promotion dropped. */
export interface OldPrimaryExamination {
  /** Of the ids listed as lost, how many the old primary holds (all, when the ledger is right). */
  confirmed: number;
  /** Listed as lost, yet absent on the old primary too (never expected: a finding). */
  absentOnOld: string[];
  /** The old primary ran with default_transaction_read_only=on on its own port, then stopped cleanly. */
  readOnly: true;
}

/**
 * Starts the old primary read-only on its port (`default_transaction_read_only=on`, so a
 * read-write multi-host string never settles on it), reads which of the lost ids it holds, and
 * stops it cleanly (fast), which also leaves it ready for pg_rewind.
 */
export async function examineOldPrimary(old: Cluster, lost: readonly string[]): Promise<OldPrimaryExamination> {
  const server = old.local;
  if (!server) throw new Error(`examine: ${old.role} is not a local server`);
  await server.configure({ default_transaction_read_only: 'on' });
  try {
    await server.start();
    return await examineLostIds(old.endpoint(), lost);
  } finally {
    if (server.isRunning) await server.stop('fast');
  }
}

/**
 * Reads, on a read-only session to an old primary, which of the ids listed as lost it holds: the
 * confirmation of a promotion's lost writes (plain standbys and Patroni leaders alike).
 */
export async function examineLostIds(endpoint: Endpoint, lost: readonly string[]): Promise<OldPrimaryExamination> {
  await using db = await openSession(endpoint, { readOnly: true, statementTimeoutMs: 0, applicationName: 'cutover-admin' });
  const present = new Set<string>();
  for (let i = 0; i < lost.length; i += 5_000) {
    const rows = await db.query<{ id: string }>(`SELECT DISTINCT id::text AS id FROM ${qualified(SCENARIO_SOAK.schema, EVENTS_TABLE)} WHERE id = ANY($1::int8[])`, [lost.slice(i, i + 5_000)]);
    for (const r of rows) present.add(r.id);
  }
  return { confirmed: present.size, absentOnOld: lost.filter((id) => !present.has(id)).slice(0, 100), readOnly: true };
}
