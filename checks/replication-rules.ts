import type { FindingInput } from './finding.js';
import type { ReplicationData } from './replication-check.js';
import { TABLE_SYNC_STATES } from './replication-logical.js';
import type { ReplicationSlot } from './replication-slots.js';
import { uninspectedFindings } from './uninspected-findings.js';

/** A table-sync slot (`pg_<subid>_sync_<relid>_<sysid>`) lives only while its table copies. */
const TABLESYNC_SLOT = /^pg_\d+_sync_\d+_\d+$/;

/**
 * Findings from one moment: a lost or invalidated slot fails (its consumer can never catch up);
 * an inactive slot retaining more than `lagWarnBytes` of WAL, a sender or standby lagging more
 * than that, paused replay, a subscription with tables not yet ready, and a database that could
 * not be opened warn.
 */
export function evaluateReplication(data: ReplicationData, lagWarnBytes: number): FindingInput[] {
  const findings: FindingInput[] = uninspectedFindings(data.uninspected, 'publications and subscriptions');
  for (const slot of data.slots) {
    const object = `slot ${slot.name}`;
    if (slot.walStatus === 'lost') {
      findings.push({
        key: `slot-lost:${slot.name}`,
        severity: 'fail',
        message: `replication slot ${slot.name} is lost: the WAL it needed was removed, its consumer must be rebuilt`,
        object,
        details: slotDetails(slot),
      });
    } else if (slot.invalidationReason || slot.conflicting) {
      findings.push({
        key: `slot-invalidated:${slot.name}`,
        severity: 'fail',
        message: `replication slot ${slot.name} is invalidated (${slot.invalidationReason ?? 'recovery conflict'}): it cannot be used again`,
        object,
        details: slotDetails(slot),
      });
    } else if (!slot.active && (slot.retainedBytes ?? 0) > lagWarnBytes) {
      findings.push({
        key: `slot-inactive-retaining:${slot.name}`,
        severity: 'warn',
        message: `inactive replication slot ${slot.name} retains ${formatBytes(slot.retainedBytes ?? 0)} of WAL (above ${formatBytes(lagWarnBytes)})`,
        object,
        details: slotDetails(slot),
      });
    }
  }
  for (const sender of data.senders) {
    if ((sender.lagBytes ?? 0) > lagWarnBytes) {
      findings.push({
        key: `sender-lag:${sender.applicationName}`,
        severity: 'warn',
        message: `${sender.applicationName} is ${formatBytes(sender.lagBytes ?? 0)} behind in replay (above ${formatBytes(lagWarnBytes)})`,
        object: `sender ${sender.applicationName}`,
        details: { ...sender },
      });
    }
  }
  if (data.standby) {
    const { replayBehindBytes, replayPause } = data.standby;
    if ((replayBehindBytes ?? 0) > lagWarnBytes) {
      findings.push({
        key: 'standby-replay-lag',
        severity: 'warn',
        message: `this standby has received ${formatBytes(replayBehindBytes ?? 0)} of WAL it has not replayed (above ${formatBytes(lagWarnBytes)})`,
        details: { ...data.standby },
      });
    }
    if (replayPause !== 'not paused') {
      findings.push({
        key: 'standby-replay-paused',
        severity: 'warn',
        message: `replay is ${replayPause} on this standby (pg_wal_replay_pause): it falls further behind until pg_wal_replay_resume()`,
        details: { ...data.standby },
      });
    }
  }
  for (const [database, logical] of Object.entries(data.databases)) {
    for (const sub of logical.subscriptions) {
      const pending = Object.entries(sub.tables).filter(([, state]) => state !== 'r');
      if (!pending.length) continue;
      findings.push({
        key: `subscription-not-ready:${database}:${sub.name}`,
        severity: 'warn',
        message: `${database}: subscription ${sub.name} has ${pending.length} of ${Object.keys(sub.tables).length} tables not ready: ${pending
          .slice(0, 5)
          .map(([table, state]) => `${table} (${TABLE_SYNC_STATES[state] ?? state})`)
          .join(', ')}${pending.length > 5 ? ', …' : ''}`,
        object: `${database}.${sub.name}`,
        details: { tables: Object.fromEntries(pending) },
      });
    }
  }
  return findings;
}

/**
 * Findings from before and after: a slot, a subscription or a publication that is gone fails.
 * Temporary and table-sync slots come and go by design and are not compared; nor are the slots
 * cutover makes for the standbys it provisions (`cutover_standby_*`), which stay with the server
 * that was primary when a promotion moves the writes.
 */
export function compareReplication(pre: ReplicationData, post: ReplicationData, preVersionNum: number): FindingInput[] {
  const findings: FindingInput[] = [];
  const slotsAfter = new Set(post.slots.map((s) => s.name));
  for (const slot of pre.slots) {
    if (slot.temporary || isTablesyncSlot(slot) || slot.name.startsWith(CUTOVER_STANDBY_SLOT) || slotsAfter.has(slot.name)) continue;
    findings.push({
      key: `slot-missing:${slot.name}`,
      severity: 'fail',
      message: `${slot.type} replication slot ${slot.name} is gone after: ${slotAdvice(slot, preVersionNum)}`,
      object: `slot ${slot.name}`,
      details: slotDetails(slot),
    });
  }
  for (const [database, before] of Object.entries(pre.databases)) {
    // A database not opened after is the databases check's finding (and the post evaluation's).
    const after = post.databases[database];
    if (!after) continue;
    for (const kind of ['publication', 'subscription'] as const) {
      const names = new Set(after[`${kind}s`].map((o) => o.name));
      for (const object of before[`${kind}s`]) {
        if (names.has(object.name)) continue;
        findings.push({
          key: `${kind}-missing:${database}:${object.name}`,
          severity: 'fail',
          message: `${database}: ${kind} ${object.name} is gone after`,
          object: `${database}.${object.name}`,
        });
      }
    }
  }
  return findings;
}

/** The prefix of the physical slots cutover makes for its own standbys (scenarios/replicas). */
export const CUTOVER_STANDBY_SLOT = 'cutover_standby_';

function isTablesyncSlot(slot: ReplicationSlot): boolean {
  return TABLESYNC_SLOT.test(slot.name);
}

function slotAdvice(slot: ReplicationSlot, preVersionNum: number): string {
  if (slot.type === 'physical') return 'pg_upgrade never carries physical slots; recreate it before its standby reconnects';
  if (preVersionNum < 170000) {
    return 'pg_upgrade carries logical slots only from a 17 or newer cluster; recreate it and resynchronise its subscriber';
  }
  return 'pg_upgrade (17+) carries logical slots only when they have consumed all WAL before the upgrade; recreate it and resynchronise its subscriber';
}

function slotDetails(slot: ReplicationSlot): Record<string, unknown> {
  return { ...slot };
}

/** Bytes for people: `12.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
