import type { OutageWindow } from '../outages.js';
import type { Downtime } from './combine-lanes.js';

/** The ledger's verdicts over every ledgered attempt (DESIGN.md, "Ledger and verification"). */
export interface LedgerFigures {
  /** Ledgered attempts: every id the harness chose and tried to write. */
  attempts: number;
  confirmed: number;
  lost: number;
  recovered: number;
  notCommitted: number;
  /** Error and absent: failed as the client was told (refused, certainly not committed). */
  failed: number;
  unexpected: number;
  duplicated: number;
}

/** One outage as the `--json` contract shows it. */
export interface ContractOutage {
  start: string;
  end: string;
  durationMs: number;
  failedAttempts: number;
  errorClasses: Record<string, number>;
}

/**
 * What `cutover soak --json` and `cutover verify --json` print: DESIGN.md's contract, these
 * fields and no others, durations in milliseconds, timestamps ISO 8601.
 */
export interface SoakSummary extends LedgerFigures {
  downtimeMs: number;
  resolutionMs: number;
  outages: ContractOutage[];
}

/** Builds the contract object, its keys in the documented order. */
export function soakSummary(ledger: LedgerFigures, downtime: Pick<Downtime, 'outages' | 'resolutionMs'>): SoakSummary {
  const outages = downtime.outages.map(contractOutage);
  return {
    attempts: ledger.attempts,
    confirmed: ledger.confirmed,
    lost: ledger.lost,
    recovered: ledger.recovered,
    notCommitted: ledger.notCommitted,
    failed: ledger.failed,
    unexpected: ledger.unexpected,
    duplicated: ledger.duplicated,
    downtimeMs: outages.reduce((sum, w) => sum + w.durationMs, 0),
    resolutionMs: roundMs(downtime.resolutionMs),
    outages,
  };
}

/** Milliseconds as the contract prints them: whole for durations, to the microsecond for a resolution. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * One window in the contract's shape, in whole milliseconds (an open window is reported up to
 * the end of the run).
 */
export function contractOutage(w: OutageWindow): ContractOutage {
  return {
    start: new Date(w.start).toISOString(),
    end: new Date(w.end).toISOString(),
    durationMs: Math.round(w.durationMs),
    failedAttempts: w.failedAttempts,
    errorClasses: { ...(w.errorClasses as Record<string, number>) },
  };
}

/** The gate of a soak: nothing lost, nothing unexpected, nothing duplicated. */
export function soakPassed(ledger: Pick<LedgerFigures, 'lost' | 'unexpected' | 'duplicated'>): boolean {
  return ledger.lost === 0 && ledger.unexpected === 0 && ledger.duplicated === 0;
}
