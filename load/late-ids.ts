import { CutoverError } from '../core/errors.js';
import type { LedgerVerification } from './verify-ledger.js';

/** Ids missing at a first check that arrived by a later one, and those that never did. */
export interface LateClassification {
  /** Acknowledged, missing at the first check, present at the later one. */
  late: number;
  lateIds: string[];
  /** Acknowledged and missing at the later check (the later check's lost ids). */
  lost: number;
  lostIds: string[];
}

/**
 * DESIGN.md's "late" ids: at a switchover, ids acknowledged on blue that green does not have when
 * writes resume there (`firstCheck`, a verification run at that moment) but that arrive later
 * (`laterCheck`, the final verification). Ids lost at both checks stay lost. The first check
 * must list every lost id (`idsCap: Infinity`; at a switchover they are bounded by the
 * replication lag), otherwise some late ids could not be named.
 */
export function classifyLate(firstCheck: LedgerVerification, laterCheck: LedgerVerification): LateClassification {
  if (firstCheck.ids.lost.length < firstCheck.lost) {
    throw new CutoverError('internal', `late ids need every lost id of the first check: it listed ${firstCheck.ids.lost.length} of ${firstCheck.lost} (verify with idsCap: Infinity)`);
  }
  if (laterCheck.ids.lost.length < laterCheck.lost) {
    throw new CutoverError('internal', `late ids need every lost id of the later check: it listed ${laterCheck.ids.lost.length} of ${laterCheck.lost} (verify with idsCap: Infinity)`);
  }
  const stillLost = new Set(laterCheck.ids.lost);
  const lateIds = firstCheck.ids.lost.filter((id) => !stillLost.has(id));
  return { late: lateIds.length, lateIds, lost: laterCheck.lost, lostIds: laterCheck.ids.lost };
}
