import type { Cluster } from '../topology/cluster.js';
import { quoteIdentifier } from '../../load/sql-ident.js';

/** How writes were stopped on blue, for the step's record. */
export interface WritesBlocked {
  /** Sessions terminated so that none kept writing. */
  terminated: number;
  /** Whether the database was made read-only (no switch in front of it). */
  readOnly: boolean;
}

/**
 * Stops writes on blue without an endpoint switch: the database defaults to read-only
 * transactions, then every session older than that change is terminated (a session reads the
 * database's defaults when it starts, so the younger ones are read-only already). After this,
 * nothing acknowledged can be missing from a dump taken next.
 */
export async function makeReadOnly(cluster: Cluster, timeoutMs = 10_000): Promise<WritesBlocked> {
  await using admin = await cluster.admin('postgres');
  await admin.query(`ALTER DATABASE ${quoteIdentifier(cluster.database)} SET default_transaction_read_only = on`);
  const [{ at } = { at: '' }] = await admin.query<{ at: string }>(`SELECT clock_timestamp()::text AS at`);
  const terminated = await terminateOlderSessions(cluster, at, timeoutMs);
  return { terminated, readOnly: true };
}

/** Undoes `makeReadOnly` (a failed step leaves blue writable again). */
export async function makeWritable(cluster: Cluster): Promise<void> {
  await using admin = await cluster.admin('postgres');
  await admin.query(`ALTER DATABASE ${quoteIdentifier(cluster.database)} RESET default_transaction_read_only`);
}

/**
 * After a switch blocked clients: waits until no transaction of another session is still open
 * in blue's database (a COMMIT sent before the cut completes on the server), then terminates
 * what is left after the deadline. Returns how many sessions were terminated.
 */
export async function drainTransactions(cluster: Cluster, timeoutMs = 10_000): Promise<number> {
  await using admin = await cluster.admin('postgres');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND (state = 'active' OR state LIKE 'idle in transaction%')`,
      [cluster.database],
    );
    if (Number(row?.n ?? 0) === 0) return 0;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [{ at } = { at: '' }] = await admin.query<{ at: string }>(`SELECT clock_timestamp()::text AS at`);
  return terminateOlderSessions(cluster, at, timeoutMs);
}

/** Terminates client sessions of the cluster's database that started before `at`, and waits until they are gone. */
async function terminateOlderSessions(cluster: Cluster, at: string, timeoutMs: number): Promise<number> {
  await using admin = await cluster.admin('postgres');
  const older = `datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND backend_start <= $2::timestamptz`;
  const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${older}`, [cluster.database, at]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE ${older}`, [cluster.database, at]);
    if (Number(row?.n ?? 0) === 0 || Date.now() > deadline) return killed.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
