import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../support/run-scenario.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import type { RunManifest } from '../../run/manifest.js';

const lab = findLab();
const green17 = lab?.bindir(17);
const pgbouncer = lab?.pgbouncer();

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-logical-e2e-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** A whole run through the runner: embedded 15 blue, lab 17 green, a small dataset, a soak through the switch. */
async function run(style: 'hard' | 'pause'): Promise<RunManifest> {
  const scenario = scenarioSchema.parse({
    name: `logical-${style}`,
    blue: { provider: 'embedded', version: '15' },
    green: { provider: 'bindir', bindir: green17 },
    dataset: { name: 'notifications', scale: 0.1 },
    soak: { rate: 100 },
    switchover: style,
    steps: [{ action: 'wait', duration: '1s' }, { action: 'logical-bluegreen' }, { action: 'wait', duration: '1s', name: 'soak after' }],
  });
  const lines: string[] = [];
  const { manifest } = await runScenario(scenario, { runsDir: join(work, style), log: (l) => void lines.push(l), method: 'logical' });
  expect(manifest.error, lines.join('\n')).toBeUndefined();
  return manifest;
}

describe.skipIf(!green17)("runScenario: logical blue/green 15 -> 17 end to end (skipped without the lab's PostgreSQL 17)", () => {
  it('hard cut: the switchover step has an outage window and zero lost events; the writer is green', async () => {
    const m = await run('hard');
    const step = m.steps[1]!;
    expect(['pass', 'warn']).toContain(m.verdict);
    expect(m.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(step.details).toMatchObject({ style: 'hard', waitForCatchUp: true });
    expect(step.downtimeMs).toBeGreaterThan(0);
    expect(step.failedAttempts).toBeGreaterThan(0);
    for (const s of m.steps) expect(s).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(m.endpoints.writer?.version).toMatch(/^17\./);
    expect(m.soak?.summary?.lost).toBe(0);
  });

  it.skipIf(!pgbouncer)('pause (PgBouncer): zero failed attempts, a degraded window during the switchover, zero lost events', async () => {
    const m = await run('pause');
    const step = m.steps[1]!;
    const degraded = m.soak?.downtime?.degraded ?? [];
    expect(['pass', 'warn']).toContain(m.verdict);
    expect(m.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(step.details).toMatchObject({ style: 'pause' });
    for (const s of m.steps) expect(s).toMatchObject({ failedAttempts: 0, downtimeMs: 0, lost: 0, unexpected: 0, duplicated: 0 });
    const block = step.phases?.find((p) => p.name === 'block');
    const resume = step.phases?.find((p) => p.name === 'resume');
    expect(block && resume).toBeTruthy();
    const from = Date.parse(block!.startedAt);
    const to = Date.parse(resume!.startedAt) + resume!.durationMs;
    // The pause held clients for as long as the switchover took; a local one often takes less than
    // the 20 ms degraded threshold, and then no success is slow enough to open a window.
    const held = (step.details as { clientsHeld?: { durationMs: number } }).clientsHeld;
    expect(held?.durationMs).toBeGreaterThan(0);
    if (held && held.durationMs >= 40) expect(degraded.some((w) => Date.parse(w.start) <= to && Date.parse(w.end) >= from), JSON.stringify(degraded)).toBe(true);
    expect(m.endpoints.writer?.version).toMatch(/^17\./);
  });
});
