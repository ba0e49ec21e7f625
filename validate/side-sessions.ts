import { errorInfo } from '../core/errors.js';
import type { Endpoint } from '../core/endpoint.js';
import { openSnapshotSession, type SnapshotSession, type SnapshotSessionOptions } from './snapshot-session.js';

/**
 * One side of a validation: `jobs` sessions reading as of one instant. The first opens its
 * REPEATABLE READ snapshot and exports it (`pg_export_snapshot()`); the others import it, so that
 * a table's scan can be split between them (validate/block-slices.ts) and still read one state.
 */
export interface SideSessions extends AsyncDisposable {
  /** At least one; the first is the exporter and runs what is not split. */
  readonly sessions: readonly [SnapshotSession, ...SnapshotSession[]];
  /** Why fewer sessions than asked for are open, when so. */
  readonly note?: string;
  close(): Promise<void>;
}

/** Most sessions per side: each is a server connection (and a server process) for the whole validation. */
export const MAX_JOBS = 32;

export async function openSideSessions(endpoint: Endpoint, options: SnapshotSessionOptions, jobs: number): Promise<SideSessions> {
  let first = await openSnapshotSession(endpoint, options);
  const sessions: SnapshotSession[] = [first];
  const close = async (): Promise<void> => {
    await Promise.all(sessions.map((s) => s.close()));
  };
  let note: string | undefined;
  try {
    if (jobs > 1) {
      let snapshot: string | undefined;
      try {
        const [row] = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
        snapshot = row?.id;
      } catch (error) {
        // The failed statement ended the transaction: start over with one session, and say why.
        await first.close();
        first = await openSnapshotSession(endpoint, options);
        sessions.splice(0, sessions.length, first);
        note = `one session on this side: the snapshot could not be exported (${errorInfo(error).message})`;
      }
      if (snapshot !== undefined) {
        const imported = { ...options, snapshot };
        // Settled, not all: a session that opened after another failed is closed with the rest.
        const opened = await Promise.allSettled(Array.from({ length: jobs - 1 }, () => openSnapshotSession(endpoint, imported)));
        for (const o of opened) if (o.status === 'fulfilled') sessions.push(o.value);
        const failed = opened.find((o) => o.status === 'rejected');
        if (failed) throw failed.reason;
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { sessions: [first, ...sessions.slice(1)], ...(note === undefined ? {} : { note }), close, [Symbol.asyncDispose]: close };
}
