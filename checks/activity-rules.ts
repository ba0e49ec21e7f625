import type { FindingInput } from './finding.js';
import type { ActivityData, SessionInfo } from './activity-collect.js';

/**
 * Findings from one moment. A prepared transaction fails (pg_upgrade refuses to run while one
 * exists, and it holds its locks and its xmin until resolved); sessions idle in a transaction or
 * running a query for longer than `longRunningSeconds` warn; waiting locks are information.
 * Sessions are grouped by database, user and application, because process ids change between
 * runs while finding keys must not.
 */
export function evaluateActivity(data: ActivityData, longRunningSeconds: number): FindingInput[] {
  const findings: FindingInput[] = [];
  const limitMs = longRunningSeconds * 1000;
  for (const p of data.preparedTransactions) {
    findings.push({
      key: `prepared-transaction:${p.database}:${p.gid}`,
      severity: 'fail',
      message: `${p.database}: prepared transaction "${p.gid}" (owner ${p.owner}, ${formatMs(p.ageMs)} old) blocks pg_upgrade: COMMIT PREPARED or ROLLBACK PREPARED it`,
      object: `${p.database}.${p.gid}`,
      details: { ...p },
    });
  }
  const idle = data.idleInTransaction.filter((s) => (s.stateMs ?? 0) > limitMs);
  for (const [group, sessions] of groupSessions(idle)) {
    findings.push({
      key: `idle-in-transaction:${group}`,
      severity: 'warn',
      message: `${describeGroup(sessions)} idle in a transaction for up to ${formatMs(Math.max(...sessions.map((s) => s.stateMs ?? 0)))} (above ${longRunningSeconds} s): it holds locks and stops VACUUM`,
      object: group,
      details: { sessions },
    });
  }
  const long = data.longRunning.filter((s) => (s.queryMs ?? 0) > limitMs);
  for (const [group, sessions] of groupSessions(long)) {
    findings.push({
      key: `long-running:${group}`,
      severity: 'warn',
      message: `${describeGroup(sessions)} running one query for up to ${formatMs(Math.max(...sessions.map((s) => s.queryMs ?? 0)))} (above ${longRunningSeconds} s)`,
      object: group,
      details: { sessions },
    });
  }
  const byDatabase = new Map<string, ActivityData['waitingLocks']>();
  for (const lock of data.waitingLocks) {
    const database = lock.database ?? '(none)';
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), lock]);
  }
  for (const [database, locks] of byDatabase) {
    // pg_blocking_pids reports a prepared transaction, which has no backend, as pid 0.
    const blockers = [...new Set(locks.flatMap((l) => l.blockedBy))].map((pid) => (pid === 0 ? 'a prepared transaction' : `pid ${pid}`));
    findings.push({
      key: `waiting-locks:${database}`,
      severity: 'info',
      message: `${database}: ${locks.length} session${locks.length === 1 ? '' : 's'} waiting for a lock (${locks
        .map((l) => `${l.mode} on ${l.relation ?? l.lockType}`)
        .slice(0, 3)
        .join(', ')}), blocked by ${blockers.join(', ') || 'nothing any more'}`,
      object: database,
      details: { locks },
    });
  }
  return findings;
}

function groupSessions(sessions: SessionInfo[]): Map<string, SessionInfo[]> {
  const groups = new Map<string, SessionInfo[]>();
  for (const s of sessions) {
    const key = `${s.database ?? ''}:${s.user ?? ''}:${s.applicationName}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return groups;
}

function describeGroup(sessions: SessionInfo[]): string {
  const s = sessions[0]!;
  const count = sessions.length === 1 ? '1 session' : `${sessions.length} sessions`;
  return `${s.database ?? '?'}: ${count} of ${s.user ?? '?'}${s.applicationName ? ` (${s.applicationName})` : ''}`;
}

/** A duration for people: `850 ms`, `42 s`, `12 min`, `3.5 h`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
