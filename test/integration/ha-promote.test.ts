import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ReplicationLagSample } from '../../run/replication-lag.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * `promote` with the primary frozen (SIGSTOP: a hung machine, whose port still completes TCP
 * handshakes): the soak's new connections give up on it after their connect timeout and settle on
 * the promoted standby through the multi-host string; the other standby follows the promoted one;
 * the frozen primary is thawed and stopped when the run closes.
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-ha-promote-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('promote a standby with the primary frozen (embedded 17, two standbys)', () => {
  it('moves the writer to the standby, the soak and the other standby follow it, and the run closes the frozen primary', async () => {
    const scenario = scenarioSchema.parse({
      name: 'ha-promote-freeze',
      blue: { provider: 'embedded', version: '17' },
      replicas: [{}, {}],
      dataset: false,
      soak: { rate: 100 },
      steps: [
        { action: 'wait', duration: '1s' },
        { action: 'promote', role: 'replica-1', primary: 'freeze' },
        { action: 'wait', duration: '2s', name: 'on the new primary' },
      ],
    });
    const lines: string[] = [];
    const { runDir, manifest: run } = await runScenario(scenario, { runsDir: work, log: (line) => lines.push(line) });
    const context = JSON.stringify({ error: run.error, steps: run.steps, log: lines.slice(-30) }, null, 1);
    expect(run.steps.map((s) => [s.action, s.status]), context).toEqual([
      ['wait', 'ok'],
      ['promote', 'ok'],
      ['wait', 'ok'],
    ]);
    expect(run.steps[1]?.name).toBe('promote replica-1 (primary frozen)');
    expect(run.steps[1]?.details).toMatchObject({ from: 'blue', to: 'replica-1', repointed: ['replica-2'] });
    // replica-2's lag is sampled on blue, then on replica-1, which it streams from after the promotion.
    const samples = readFileSync(join(runDir, 'replication-lag.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ReplicationLagSample);
    expect(samples.some((s) => s.slot === 'replica-2' && s.primary === 'blue')).toBe(true);
    expect(samples.some((s) => s.slot === 'replica-2' && s.primary === 'replica-1' && s.state === 'streaming'), JSON.stringify(samples.slice(-4))).toBe(true);
    expect(run.endpoints.writer?.port).toBe(run.endpoints['replica-1']?.port);
    expect(run.steps[2], context).toMatchObject({ downtimeMs: 0, failedAttempts: 0 });
    const at = (role: string) => `${run.endpoints[role]!.host}:${run.endpoints[role]!.port}`;
    expect(run.soak?.writerServers?.changes.map((c) => [c.from, c.to]), context).toEqual([[at('blue'), at('replica-1')]]);
    // Writes acknowledged by the primary before it froze are on the standby or counted: nothing unexpected.
    expect(run.soak?.summary?.unexpected).toBe(0);
    expect(run.steps[1]?.lost).toBe((run.steps[1]?.details?.lostAtPromotion as { count: number }).count);
  }, 120_000);
});
