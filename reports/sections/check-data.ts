import type { Snapshot } from '../../checks/snapshot.js';
import { checkEntry } from '../check-entry.js';

/**
 * A snapshot as a section receives it: read, or present in the run directory but unreadable
 * (the reason is shown, so that a broken file is never mistaken for a missing one).
 */
export type SnapshotSide = Snapshot | { unreadable: string };

/** The snapshot itself, when it was readable. */
export function readableSnapshot(side: SnapshotSide | undefined): Snapshot | undefined {
  return side && !('unreadable' in side) ? side : undefined;
}

/** One check's data in one snapshot, or why there is none. */
export type CheckData<T> = { ok: true; data: T } | { ok: false; reason: string };

/**
 * A check's collected data, read defensively: a missing snapshot, a skipped or failed check and
 * data of the wrong shape all become a reason a section can print instead of crashing.
 */
export function checkData<T>(
  snapshot: SnapshotSide | undefined,
  checkId: string,
  isData: (value: unknown) => value is T,
): CheckData<T> {
  if (!snapshot) return { ok: false, reason: 'no snapshot' };
  if ('unreadable' in snapshot) return { ok: false, reason: `snapshot unreadable: ${snapshot.unreadable}` };
  const entry = checkEntry(snapshot.checks[checkId]);
  if (!entry) return { ok: false, reason: 'check not run' };
  if (entry.status === 'skipped') return { ok: false, reason: `skipped: ${entry.reason}` };
  if (entry.status === 'error') return { ok: false, reason: `error: ${entry.reason}` };
  if (!isData(entry.data)) return { ok: false, reason: 'data not readable (unexpected shape)' };
  return { ok: true, data: entry.data };
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
