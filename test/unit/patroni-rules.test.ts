import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CutoverError } from '../../core/errors.js';
import { checkScenarioRules } from '../../scenarios/scenario-rules.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { memberConfig, type ClusterSettings, type MemberLayout } from '../../scenarios/patroni/patroni-config.js';
import { patroniTarget, promotedAfter, rejoined } from '../../scenarios/patroni/patroni-target.js';
import { RunTopology } from '../../scenarios/topology/topology.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';

const settings: ClusterSettings = {
  scope: 'cutover-test',
  bindir: '/pg/15/bin',
  superuserPassword: 's',
  replicationPassword: 'r',
  rest: { username: 'cutover', password: 'p' },
  raftAddresses: ['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'],
};
const layout = (name: string, raftPort: number): MemberLayout => ({ name, dir: `/x/${name}`, dataDir: `/x/${name}/data`, raftDir: `/x/${name}/raft`, pgPort: 5432, restPort: 8008, raftPort });

describe('Patroni member configuration', () => {
  it('Raft partners are the other members; only the bootstrapping member may initialise a cluster', () => {
    const first = parse(memberConfig(layout('blue', 7001), settings, { bootstrap: true })) as Record<string, Record<string, unknown>>;
    const second = parse(memberConfig(layout('blue-2', 7002), settings, { bootstrap: false })) as Record<string, Record<string, unknown>>;
    expect(first.raft).toEqual({ data_dir: '/x/blue/raft', self_addr: '127.0.0.1:7001', partner_addrs: ['127.0.0.1:7002', '127.0.0.1:7003'] });
    expect(second.raft?.partner_addrs).toEqual(['127.0.0.1:7001', '127.0.0.1:7003']);
    expect(first.bootstrap).toBeDefined();
    expect(second.bootstrap).toBeUndefined();
    expect(first.postgresql).toMatchObject({ bin_dir: '/pg/15/bin', data_dir: '/x/blue/data', listen: '127.0.0.1:5432' });
    expect(first.restapi).toMatchObject({ listen: '127.0.0.1:8008', authentication: { username: 'cutover', password: 'p' } });
  });
});

describe('Patroni cluster states', () => {
  const old = { name: 'blue', role: 'leader', state: 'running', timeline: 1 };
  it('a promotion is done once another member leads on a newer timeline', () => {
    expect(promotedAfter({ members: [{ ...old, role: 'replica' }, { name: 'blue-2', role: 'leader', state: 'running', timeline: 1 }] }, old)).toBe(false);
    expect(promotedAfter({ members: [{ name: 'blue-2', role: 'leader', state: 'running', timeline: 2 }] }, old)).toBe(true);
    expect(promotedAfter({ members: [old] }, old)).toBe(false);
  });
  it('the old leader has rejoined when it streams on the new leader\'s timeline', () => {
    const leader = { name: 'blue-2', role: 'leader', state: 'running', timeline: 2 };
    expect(rejoined({ members: [leader, { name: 'blue', role: 'replica', state: 'running', timeline: 1 }] }, 'blue', leader)).toBe(false);
    expect(rejoined({ members: [leader, { name: 'blue', role: 'replica', state: 'streaming', timeline: 2 }] }, 'blue', leader)).toBe(true);
  });
});

describe('Patroni steps: where the REST API is', () => {
  const topology = new RunTopology({ role: 'blue', provider: 'external' } as Cluster);
  it('without a Patroni cluster nor "api": a usage error naming both', () => {
    expect(() => patroniTarget(topology, undefined, 'patroni-switchover')).toThrow(/expected a Patroni cluster \(blue with provider "patroni"\) or the step's "api"/);
  });
  it('"api" must be an http URL; its credentials are not part of the URL named in errors', () => {
    expect(() => patroniTarget(topology, 'not a url', 'x')).toThrow(CutoverError);
    expect(patroniTarget(topology, 'http://admin:secret@127.0.0.1:8008/', 'x').where).toBe('http://127.0.0.1:8008');
  });
  it('scenario rules: a Patroni step without a Patroni blue or "api" is refused before anything starts', async () => {
    const scenario = scenarioSchema.parse({ name: 's', blue: { provider: 'external', url: 'postgresql://u@h/app' }, steps: [{ action: 'patroni-failover' }, { action: 'patroni-switchover', api: 'http://h:8008' }] });
    await expect(checkScenarioRules(scenario)).rejects.toThrow(/step 1 \(patroni-failover\): needs the Patroni cluster cutover runs/);
  });
});
