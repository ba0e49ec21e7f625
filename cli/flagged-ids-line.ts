import { FLAGGED_CLASSES, type FlaggedCounts } from '../load/flagged-ids-file.js';

/** "12 lost, 1 unexpected: <pointer>" (the pointer says where the ids are); undefined when there are none. */
export function flaggedIdsLine(counts: FlaggedCounts, pointer: string): string | undefined {
  const parts = FLAGGED_CLASSES.filter((c) => counts[c] > 0).map((c) => `${counts[c].toLocaleString('en-US')} ${c}`);
  return parts.length ? `${parts.join(', ')}: ${pointer}` : undefined;
}
