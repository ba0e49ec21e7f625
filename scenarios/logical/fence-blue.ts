import { CutoverError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { pollUntil } from './poll.js';

/**
 * After a hard cut, a backend whose client was cut may still be finishing a statement and commit
 * it after the drain's WAL position was taken. Terminating the database's client sessions (all but
 * cutover's own admin sessions) and waiting until their processes are gone makes the position
 * final. Returns how many sessions were terminated.
 */
export async function fenceBlue(blue: Session, o: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const rows = await blue.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
       AND application_name <> 'cutover-admin' AND pg_terminate_backend(pid)`,
  );
  const pids = rows.map((r) => r.pid);
  if (!pids.length) return 0;
  await pollUntil({
    probe: async () => {
      const [left] = await blue.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [pids]);
      return Number(left?.n ?? 0) === 0 ? true : undefined;
    },
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    intervalMs: 5,
    timeoutError: () => new CutoverError('query', `fence: ${pids.length} session(s) on blue still existed ${o.timeoutMs} ms after being terminated`),
  });
  return pids.length;
}
