import { ledgerId } from './ledger-types.js';
import type { SeqClass } from './ledger-expectation.js';
import { SeqRanges } from './seq-ranges.js';

/** The figures of one verification, in DESIGN.md's terms (Jepsen's set checker). */
export interface VerifyCounts {
  /** Ledgered attempts: ok + error + unknown (unknown includes the reservation after a crash). */
  attempts: number;
  /** ok and present. */
  confirmed: number;
  /** ok and absent. */
  lost: number;
  /** unknown and present. */
  recovered: number;
  /** unknown and absent. */
  notCommitted: number;
  /** error and absent: failed as the client was told. */
  failed: number;
  /** error and present, or present and never attempted (distinct ids). */
  unexpected: number;
  /** Distinct ids present more than once (whatever their class). */
  duplicated: number;
}

/** Exact ids (decimal strings, ascending), each list capped; the counts above are always exact. */
export interface VerifyIds {
  lost: string[];
  unexpected: string[];
  duplicated: string[];
}

/** Every flagged seq of one writer, uncapped: the file of flagged ids names each one. */
export interface FlaggedSeqs {
  writerKey: number;
  lost: SeqRanges;
  unexpected: SeqRanges;
  duplicated: SeqRanges;
}

export function emptyCounts(): VerifyCounts {
  return { attempts: 0, confirmed: 0, lost: 0, recovered: 0, notCommitted: 0, failed: 0, unexpected: 0, duplicated: 0 };
}

/** Accumulates one writer's figures; ranges may be settled in any order. */
export class VerifyTally {
  readonly counts = emptyCounts();
  /** Every flagged seq; the capped lists of `ids()` are their lowest. */
  readonly flagged: FlaggedSeqs;

  constructor(
    private readonly writerKey: number,
    private readonly cap: number,
  ) {
    this.flagged = { writerKey, lost: new SeqRanges(), unexpected: new SeqRanges(), duplicated: new SeqRanges() };
  }

  /** Every seq of [from, to] (one class) is absent. */
  absent(from: number, to: number, cls: SeqClass): void {
    const n = to - from + 1;
    if (cls === 'ok') {
      this.counts.lost += n;
      this.flagged.lost.add(from, to);
    } else if (cls === 'unknown') this.counts.notCommitted += n;
    else if (cls === 'error') this.counts.failed += n;
  }

  /** Every seq of [from, to] (ok or unknown) is present exactly once. */
  presentOnce(from: number, to: number, cls: 'ok' | 'unknown'): void {
    if (cls === 'ok') this.counts.confirmed += to - from + 1;
    else this.counts.recovered += to - from + 1;
  }

  /** `seq` (of class `cls`) is present `copies` times. */
  present(seq: number, cls: SeqClass, copies: number): void {
    if (cls === 'ok') this.counts.confirmed++;
    else if (cls === 'unknown') this.counts.recovered++;
    else {
      this.counts.unexpected++;
      this.flagged.unexpected.add(seq, seq);
    }
    if (copies > 1) {
      this.counts.duplicated++;
      this.flagged.duplicated.add(seq, seq);
    }
  }

  /** The exact ids found, lowest first, each list capped. */
  ids(): VerifyIds {
    const list = (set: SeqRanges): string[] => {
      const out: string[] = [];
      for (const [from, to] of set.ranges()) {
        for (let s = from; s <= to && out.length < this.cap; s++) out.push(ledgerId(this.writerKey, s).toString());
        if (out.length >= this.cap) break;
      }
      return out;
    };
    return { lost: list(this.flagged.lost), unexpected: list(this.flagged.unexpected), duplicated: list(this.flagged.duplicated) };
  }
}
