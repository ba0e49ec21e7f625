import { errorInfo, errorLine } from '../core/errors.js';
import type { Session } from '../core/session.js';

/** One table to count. */
export interface CountJob {
  /** Quoted qualified name from `format('%I.%I')`, safe to put in SQL as it is. */
  name: string;
}

export type CountOutcome = { exact: number } | { skipped: string };

export interface ExactCountsResult {
  outcomes: Map<string, CountOutcome>;
  /** Sessions that actually counted (fewer than asked when the server refused more connections). */
  sessions: number;
}

/**
 * Runs `count(*)` for every job over up to `concurrency` sessions. The first session is the
 * check's own; the others are opened on demand and closed at the end. A session that cannot be
 * opened (connection limit) just means less concurrency; a count that fails (permission,
 * statement timeout, recovery conflict) is recorded for its table and the others go on.
 */
export async function exactCounts(
  jobs: CountJob[],
  concurrency: number,
  first: Session,
  open: () => Promise<Session>,
): Promise<ExactCountsResult> {
  const outcomes = new Map<string, CountOutcome>();
  let next = 0;
  let sessions = 0;
  const work = async (session: Session) => {
    // A session that connects after the others took every job does not count as counting.
    if (next < jobs.length) sessions++;
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        const [row] = await session.query<{ n: string }>(`SELECT count(*) AS n FROM ${job.name}`);
        outcomes.set(job.name, { exact: Number(row?.n ?? 0) });
      } catch (error) {
        const info = errorInfo(error);
        const line = errorLine(error);
        const state = info.sqlState && !line.includes(info.sqlState) ? ` (SQLSTATE ${info.sqlState})` : '';
        outcomes.set(job.name, { skipped: `count(*) failed: ${line}${state}` });
      }
    }
  };
  const extra = async () => {
    let session: Session;
    try {
      session = await open();
    } catch {
      return;
    }
    try {
      await work(session);
    } finally {
      await session.close();
    }
  };
  const width = Math.max(1, Math.min(concurrency, jobs.length));
  await Promise.all([work(first), ...Array.from({ length: width - 1 }, extra)]);
  return { outcomes, sessions };
}
