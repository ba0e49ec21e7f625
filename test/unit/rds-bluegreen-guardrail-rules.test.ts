import { describe, expect, it } from 'vitest';
import { type BluegreenSettingsData, evaluateSettings } from '../../checks/bluegreen-settings.js';

const ready: BluegreenSettingsData = {
  walLevel: 'logical',
  rdsLogicalReplication: '1',
  maxReplicationSlots: 10,
  slotsInUse: 2,
  maxWalSenders: 10,
  walSendersInUse: 2,
  maxLogicalReplicationWorkers: 4,
  maxWorkerProcesses: 8,
  backgroundWorkersInUse: 2,
  databases: 3,
};

describe('bluegreen.settings rules', () => {
  it('are quiet when every database has a slot, a sender, an apply worker and a worker process to spare', () => {
    expect(evaluateSettings(ready)).toEqual([]);
  });

  it('fail on wal_level with the RDS parameter to set, and warn on each setting without headroom', () => {
    const findings = evaluateSettings({ ...ready, walLevel: 'replica', rdsLogicalReplication: '0', slotsInUse: 9, walSendersInUse: 8, maxLogicalReplicationWorkers: 2, backgroundWorkersInUse: 6 });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['wal-level', 'fail'],
      ['replication-slots', 'warn'],
      ['wal-senders', 'warn'],
      ['logical-replication-workers', 'warn'],
      ['worker-processes', 'warn'],
    ]);
    expect(findings[0]?.message).toMatch(/set rds\.logical_replication = 1 in the DB parameter group and reboot/);
    expect(findings[1]?.message).toBe('max_replication_slots = 10 leaves 1 free, fewer than the 3 database(s) a Blue/Green replicates (one each): raise it in the parameter group');
  });

  it('off RDS, the advice is wal_level itself', () => {
    expect(evaluateSettings({ ...ready, walLevel: 'replica', rdsLogicalReplication: null })[0]?.message).toMatch(/set wal_level = logical and restart/);
  });
});
