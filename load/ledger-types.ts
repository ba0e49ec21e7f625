/**
 * The ledger: what the soak attempted and how each ledgered attempt ended. DESIGN.md
 * ("Ledger and verification") defines the outcomes and the verdicts; this file fixes the
 * shapes every part of the soak engine shares.
 */

/** How one ledgered attempt ended. */
export type AttemptOutcomeKind = 'ok' | 'error' | 'unknown';

/**
 * Ledger ids are int8 values chosen by the harness: `writerKey * 2^32 + seq`, where
 * `writerKey` (1 .. 2^31-1) is registered uniquely in the soak schema's `writers` table when a
 * writer starts (unique across writers and runs) and `seq` counts the writer's attempts from 0.
 * The soak's event table deliberately has no unique constraint on id, so duplicates can exist
 * and be found.
 */
export interface WriterIdentity {
  writerKey: number;
  /** Free text: driver, host, pid. */
  label: string;
}

export const SEQ_BITS = 32n;

export function ledgerId(writerKey: number, seq: number): bigint {
  return (BigInt(writerKey) << SEQ_BITS) + BigInt(seq);
}

export function splitLedgerId(id: bigint): { writerKey: number; seq: number } {
  return { writerKey: Number(id >> SEQ_BITS), seq: Number(id & ((1n << SEQ_BITS) - 1n)) };
}

/** One non-ok attempt, recorded exactly. */
export interface ExceptionalAttempt {
  seq: number;
  outcome: 'error' | 'unknown';
  errorClass: string;
  /** Scheduled (due) time, epoch ms. */
  dueAt: number;
  /** Completion time, epoch ms. */
  completedAt: number;
}

/** What reading a ledger gives back for one writer. */
export interface WriterLedger {
  writer: WriterIdentity;
  /** Ranges [from, to] (inclusive) of seqs that ended ok. */
  okRanges: [number, number][];
  exceptions: ExceptionalAttempt[];
  /**
   * Seqs above every recorded outcome up to this bound may have been sent before the harness
   * died (reserved before sending): they count as unknown. -1 when nothing was reserved.
   */
  reservedThrough: number;
  /** True when the writer closed its ledger cleanly (no crash). */
  closed: boolean;
}

/** Appends outcomes for one writer; durable up to the last flush. */
export interface LedgerWriter extends AsyncDisposable {
  readonly writer: WriterIdentity;
  /** Must be called before sending `seq` (reserves ahead in batches so crashes are bounded). */
  beforeSend(seq: number): void;
  record(seq: number, outcome: AttemptOutcomeKind, detail?: { errorClass: string; dueAt: number; completedAt: number }): void;
  /** Writes what is resolved so far and fsyncs. Called on a timer by the driver. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
