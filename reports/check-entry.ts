import type { SnapshotCheck } from '../checks/snapshot.js';

/** A snapshot's entry for one check, normalised: a hand-edited or foreign entry never crashes a rule. */
export interface CheckEntry {
  status: 'ok' | 'skipped' | 'error';
  data?: unknown;
  reason: string;
}

/** Reads a check entry defensively; an entry with an unknown status counts as an error. */
export function checkEntry(entry: SnapshotCheck | undefined): CheckEntry | undefined {
  if (entry === undefined || entry === null) return undefined;
  const e = entry as Partial<SnapshotCheck>;
  const reason = typeof e.reason === 'string' ? e.reason : (e.error?.message?.split('\n')[0] ?? '');
  if (e.status === 'ok' || e.status === 'skipped' || e.status === 'error') {
    return { status: e.status, data: e.data, reason: reason || (e.status === 'ok' ? '' : 'no reason recorded') };
  }
  return { status: 'error', reason: `malformed entry (status ${JSON.stringify(e.status)})` };
}
