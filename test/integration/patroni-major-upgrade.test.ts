import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { patroniReady } from '../support/patroni.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * Patroni's documented major upgrade of a real 3-node cluster, lab PostgreSQL 15 -> 17, the soak
 * running through the multi-host string the whole time: every member back on 17 (the leader by
 * pg_upgrade, the replicas cloned again), the soak on the new primary, nothing lost.
 */

const lab = findLab();
const pg15 = lab?.bindir(15);
const pg17 = lab?.bindir(17);
const ready = Boolean(pg15 && pg17) && patroniReady();

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-patroni-upgrade-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(!ready)('Patroni major upgrade 15 -> 17 (skipped without Patroni from scripts/patroni.sh and the lab’s PostgreSQL 15 and 17)', () => {
  it('stops, pg_upgrades the leader, wipes Raft, starts, re-clones: every member on 17, the soak on the new primary, 0 lost', { timeout: 240_000 }, async () => {
    const scenario = scenarioSchema.parse({
      name: 'patroni-upgrade',
      blue: { provider: 'patroni', bindir: pg15, nodes: 3 },
      dataset: { name: 'notifications', scale: 0.1 },
      soak: { rate: 100 },
      steps: [
        { action: 'wait', duration: '1s' },
        { action: 'patroni-major-upgrade', to: pg17 },
        { action: 'wait', duration: '2s', name: 'soak on 17' },
      ],
    });
    const lines: string[] = [];
    const started = Date.now();
    const { manifest } = await runScenario(scenario, { runsDir: join(work, 'runs'), log: (l) => void lines.push(l) });
    console.log(`patroni major upgrade run: ${Date.now() - started} ms\n${lines.filter((l) => /atroni|writer|soak:|step/.test(l)).join('\n')}`);
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps.map((s) => [s.action, s.status])).toEqual([
      ['wait', 'ok'],
      ['patroni-major-upgrade', 'ok'],
      ['wait', 'ok'],
    ]);
    const upgrade = manifest.steps[1]!;
    expect(upgrade.details).toMatchObject({ leader: 'blue', mode: 'link', to: '17.11' });
    expect(String(upgrade.details?.from)).toMatch(/^15\./);
    expect(upgrade.phases?.map((p) => p.name)).toEqual(['check', 'initdb', 'stop', 'upgrade', 'dcs', 'start', 're-clone', 'analyze']);
    // Every member back: the leader on its upgraded data, both replicas streaming again.
    expect(upgrade.details?.members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'blue', role: 'leader', state: 'running' }),
        expect.objectContaining({ name: 'blue-2', role: 'replica', state: 'streaming' }),
        expect.objectContaining({ name: 'blue-3', role: 'replica', state: 'streaming' }),
      ]),
    );
    for (const role of ['blue', 'blue-2', 'blue-3', 'writer']) expect(manifest.endpoints[role]?.version, role).toBe('17.11');
    // The outage of the stop-upgrade-start is measured; no acknowledged write is lost.
    expect(upgrade.downtimeMs).toBeGreaterThan(0);
    for (const step of manifest.steps) expect(step).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    // The soak wrote on the new primary after the upgrade.
    const after = manifest.steps[2]!;
    expect(after.downtimeMs).toBe(0);
    expect(after.failedAttempts).toBe(0);
    console.log(
      `patroni major upgrade: downtime ${upgrade.downtimeMs} ms, failed attempts ${upgrade.failedAttempts}, leader back after ${String(upgrade.details?.leaderBackMs)} ms, ` +
        `replicas after ${String(upgrade.details?.replicasBackMs)} ms; phases ${upgrade.phases?.map((p) => `${p.name} ${p.durationMs} ms`).join(', ')}`,
    );
  });
});
