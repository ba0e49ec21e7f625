import { splitLedgerId, type WriterLedger } from '../ledger-types.js';
import type { SeqClock } from './seq-clock.js';
import type { FlaggedIds } from './step-breakdown.js';

/**
 * Due times of the ids verification flagged, for the per-step breakdown: exact for attempts the
 * ledger recorded one by one (errors, unknowns), interpolated from the seq clock for ok ones (a
 * lost id), none for ids above everything the writer attempted (an unexpected id never sent).
 */
export function flaggedDueTimes(
  ids: { lost: readonly string[]; unexpected: readonly string[]; duplicated: readonly string[] },
  ledgers: readonly WriterLedger[],
  clock: SeqClock,
): FlaggedIds {
  const exact = new Map<number, Map<number, number>>();
  const attempted = new Map<number, number>();
  for (const l of ledgers) {
    exact.set(l.writer.writerKey, new Map(l.exceptions.map((e) => [e.seq, e.dueAt])));
    let last = l.reservedThrough;
    for (const [, to] of l.okRanges) last = Math.max(last, to);
    for (const e of l.exceptions) last = Math.max(last, e.seq);
    attempted.set(l.writer.writerKey, last);
  }
  const dueOf = (id: string): number | undefined => {
    const { writerKey, seq } = splitLedgerId(BigInt(id));
    const known = exact.get(writerKey)?.get(seq);
    if (known !== undefined) return known;
    const last = attempted.get(writerKey);
    if (last === undefined || seq > last) return undefined;
    return clock.dueAt(writerKey, seq);
  };
  return { lost: ids.lost.map(dueOf), unexpected: ids.unexpected.map(dueOf), duplicated: ids.duplicated.map(dueOf) };
}
