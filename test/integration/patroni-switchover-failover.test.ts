import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest, StepRecord } from '../../run/manifest.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { patroniReady } from '../support/patroni.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * A real 3-node Patroni cluster (PyPI's Patroni, Raft on loopback) of the lab's PostgreSQL 15,
 * one run with the soak at 200/s through the multi-host string: a switchover through the REST
 * API, then the new leader's node killed and Patroni electing another one.
 */

const pg15 = findLab()?.bindir(15);
const ready = Boolean(pg15) && patroniReady();

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-patroni-ha-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Member {
  name: string;
  role: string;
  state: string;
  timeline?: number;
}

function members(step: StepRecord): Member[] {
  return (step.details?.members ?? []) as Member[];
}

describe.skipIf(!ready)('Patroni provider: switchover and failover with the soak at 200/s (skipped without Patroni from scripts/patroni.sh and the lab’s PostgreSQL 15)', () => {
  let manifest: RunManifest;
  let runDir: string;
  let lines: string[];

  beforeAll(async () => {
    const scenario = scenarioSchema.parse({
      name: 'patroni-ha',
      blue: { provider: 'patroni', bindir: pg15, nodes: 3 },
      dataset: false,
      soak: { rate: 200 },
      steps: [
        { action: 'wait', duration: '1s' },
        { action: 'patroni-switchover', candidate: 'blue-2' },
        { action: 'wait', duration: '1s' },
        { action: 'patroni-failover' },
        { action: 'wait', duration: '1s' },
      ],
    });
    lines = [];
    const started = Date.now();
    ({ manifest, runDir } = await runScenario(scenario, { runsDir: join(work, 'runs'), log: (l) => void lines.push(l) }));
    console.log(`patroni switchover + failover run: ${Date.now() - started} ms\n${lines.filter((l) => /Patroni|patroni|writer|soak:/.test(l)).join('\n')}`);
  }, 240_000);

  it('bootstraps three members, the soak through all of them (read-write)', () => {
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(lines.join('\n')).toMatch(/Patroni cluster ready in [\d.]+ s: blue leader running tl 1, blue-2 replica streaming tl 1, blue-3 replica streaming tl 1/);
    expect(Object.keys(manifest.endpoints)).toEqual(expect.arrayContaining(['blue', 'blue-2', 'blue-3', 'writer']));
    expect(lines.join('\n')).toMatch(/soak: through 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(target_session_attrs=read-write\)/);
  });

  it('switchover: blue-2 leads, blue rejoins as a replica, 0 lost, downtime measured, the writer moved', () => {
    const step = manifest.steps[1]!;
    expect(step.status, JSON.stringify(step.error)).toBe('ok');
    expect(step.details).toMatchObject({ from: 'blue', to: 'blue-2', timelineBefore: 1, timelineAfter: 2 });
    expect(members(step)).toEqual(
      expect.arrayContaining([
        { name: 'blue-2', role: 'leader', state: 'running', timeline: 2 },
        { name: 'blue', role: 'replica', state: 'streaming', timeline: 2 },
        { name: 'blue-3', role: 'replica', state: 'streaming', timeline: 2 },
      ]),
    );
    expect(step).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(typeof step.downtimeMs).toBe('number');
    expect(step.phases?.map((p) => p.name)).toEqual(['check', 'switchover', 'rejoin']);
    expect(lines).toContain('writer: now blue-2');
    console.log(`switchover: downtime ${step.downtimeMs} ms, failed attempts ${step.failedAttempts}, promoted in ${String(step.details?.promotionMs)} ms, rejoined in ${String(step.details?.rejoinedMs)} ms`);
  });

  it('failover: the leader (blue-2) killed, another elected, blue-2 back as a replica; figures recorded', () => {
    const step = manifest.steps[3]!;
    expect(step.status, JSON.stringify(step.error)).toBe('ok');
    expect(step.details).toMatchObject({ from: 'blue-2', method: 'kill', timelineBefore: 2, timelineAfter: 3 });
    const to = String(step.details?.to);
    expect(['blue', 'blue-3']).toContain(to);
    expect(members(step)).toEqual(
      expect.arrayContaining([
        { name: to, role: 'leader', state: 'running', timeline: 3 },
        { name: 'blue-2', role: 'replica', state: 'streaming', timeline: 3 },
      ]),
    );
    // The leader key expires after Patroni's TTL (20 s) at most: the outage is real and measured.
    expect(step.downtimeMs).toBeGreaterThan(0);
    expect(step.failedAttempts).toBeGreaterThan(0);
    // The ids the new leader never received, counted in this step's row and looked for on the old leader (read-only) before its rejoin.
    const lost = step.details?.lostAtPromotion as { count: number; ids: string[] };
    expect(step.lost).toBe(lost.count);
    expect(step.details?.oldPrimaryExamined).toMatchObject({ confirmed: lost.ids.length, absentOnOld: [], readOnly: true });
    expect(step.phases?.map((p) => p.name)).toEqual(['check', 'kill', 'elect', 'examine old leader', 'rejoin']);
    expect(lines).toContain(`writer: now ${to}`);
    console.log(
      `failover (leader killed): downtime ${step.downtimeMs} ms, failed attempts ${step.failedAttempts}, lost ${step.lost}, unexpected ${step.unexpected}, ` +
        `elected in ${String(step.details?.promotionMs)} ms, rejoined (${String(step.details?.rejoinedBy)}) in ${String(step.details?.rejoinedMs)} ms`,
    );
  });

  it('the writer changes on the timeline: blue -> blue-2 within the switchover, blue-2 -> the elected one within the failover', () => {
    const at = (role: string) => `${manifest.endpoints[role]!.host}:${manifest.endpoints[role]!.port}`;
    const to = String(manifest.steps[3]!.details?.to);
    const changes = manifest.soak?.writerServers?.changes ?? [];
    expect(changes.map((c) => [c.from, c.to]), JSON.stringify(manifest.soak?.writerServers)).toEqual([
      [at('blue'), at('blue-2')],
      [at('blue-2'), at(to)],
    ]);
    for (const [i, change] of changes.entries()) {
      const step = manifest.steps[i === 0 ? 1 : 3]!;
      expect(Date.parse(change.at)).toBeGreaterThanOrEqual(Date.parse(step.startedAt) - 1_000);
      expect(Date.parse(change.at)).toBeLessThanOrEqual(Date.parse(step.endedAt) + 1_000);
    }
  });

  it('the ledger is verified on the final leader, and run.json names it as the writer', async () => {
    const failover = manifest.steps[3]!;
    const to = String(failover.details?.to);
    expect(manifest.endpoints.writer?.port).toBe(manifest.endpoints[to]?.port);
    expect(manifest.soak?.summary?.attempts).toBeGreaterThan(1000);
    for (const step of manifest.steps) expect(step.status).toBe('ok');
    for (const i of [0, 1, 2, 4]) expect(manifest.steps[i]).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    const timeline = (await readFile(join(runDir, 'timeline.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { writers?: Record<string, unknown> });
    expect(timeline.length).toBeGreaterThan(5);
    // Each second names the servers its writes ran on.
    const at = (role: string) => `${manifest.endpoints[role]!.host}:${manifest.endpoints[role]!.port}`;
    expect([...new Set(timeline.flatMap((t) => Object.keys(t.writers ?? {})))].sort()).toEqual([...new Set([at('blue'), at('blue-2'), at(to)])].sort());
    // The step table (summary.md) says what each promotion did.
    const summary = await readFile(join(runDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/promoted blue-2 \(writer was blue\) in \d+ ms/);
    expect(summary).toMatch(new RegExp(`promoted ${to} \\(writer was blue-2\\) in \\d+ ms`));
    expect(summary).toMatch(/old primary examined read-only: holds \d+ of them/);
  });
});
