import type { Endpoint } from '../core/endpoint.js';
import { openSession } from '../core/session.js';
import { ledgerDir } from './ledger-format.js';
import { readLedgers, type ReadLedger } from './ledger-reader.js';
import { verifyLedger, type LedgerVerification } from './verify-ledger.js';

/** Ids listed per verdict, so each step can be given its own (the counts are exact regardless). */
export const SOAK_IDS_CAP = 100_000;

/**
 * Verifies the ledger of a run directory against the final writer: reads every writer's ledger
 * (a torn one after a crash included) and sorts every attempt by what the database holds, over a
 * read-only session without a statement timeout (range counts over tens of millions of ids).
 */
export async function verifyRunLedger(o: { runDir: string; endpoint: Endpoint; schema: string; idsCap?: number }): Promise<{ verification: LedgerVerification; ledgers: ReadLedger[] }> {
  const ledgers = await readLedgers(ledgerDir(o.runDir));
  await using db = await openSession(o.endpoint, { readOnly: true, statementTimeoutMs: 0, applicationName: 'cutover-verify' });
  const verification = await verifyLedger({ ledgers, db, schema: o.schema, idsCap: o.idsCap ?? SOAK_IDS_CAP });
  return { verification, ledgers };
}
