import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import { findPgbench } from '../../load/pgbench/index.js';
import { workloadByName } from '../../load/workloads/index.js';
import { mergeHistograms } from '../../load/latency-histogram.js';
import type { EngineRepeat } from '../../run/baseline-engine.js';
import { nodeEngine } from '../../run/baseline-node.js';
import { pgbenchEngine } from '../../run/baseline-pgbench.js';
import type { BaselinePlan, BaselineTarget } from '../../run/baseline-plan.js';

/**
 * The same workload under both engines on one server in one run, repeats interleaved (pgbench,
 * node, pgbench, …) so that the machine's drift falls on both: a cross-check of the measurement.
 * pgbench's --rate schedule is a Poisson process (its count over N expected transactions varies
 * by ±√N), the driver's is uniform: the achieved rate is each engine's completions over the
 * transactions its own schedule sent in the same seconds, and the raw rates must agree within
 * the Poisson noise of pgbench's count.
 */
const lab = labReady(17);
const RATE = 200;
const ROUNDS = 3;

describe.skipIf(!lab)(`baseline engines${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  let server: LocalServer;
  let runDir: string;

  beforeAll(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cutover-baseline-engines-'));
    server = await startLabServer(17, { name: 'baseline-engines' });
  });

  afterAll(async () => {
    await server?.close();
    if (runDir) await rm(runDir, { recursive: true, force: true });
  });

  type Figures = { ok: number; sent: number; tps: number; achieved: number; p50: number; p99: number; bestRoundP50: number; failed: number; ops: Record<string, number> };
  let pg: Figures;
  let nd: Figures;

  // One measurement, judged by the two criteria below.
  beforeAll(async () => {
    const workload = workloadByName('notifications');
    const plan: BaselinePlan = { engine: 'pgbench', load: { kind: 'workload', workload, label: 'notifications' }, rate: RATE, clients: 4, durationMs: 3_000, warmupMs: 1_000, repeat: ROUNDS, schema: 'cutover_baseline' };
    const target: BaselineTarget = { side: 'a', endpoint: server.endpoint() };
    const pgbench = await pgbenchEngine(plan, { pgbench: await findPgbench({ explicit: labBindir(17) }), runDir });
    const node = nodeEngine({ ...plan, engine: 'node', rate: RATE }, workload);
    await pgbench.prepare(target);
    await node.prepare(target);
    const runs: { pgbench: EngineRepeat[]; node: EngineRepeat[] } = { pgbench: [], node: [] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.pgbench.push(await pgbench.repeat(target));
      runs.node.push(await node.repeat(target));
    }
    const p50 = (r: EngineRepeat) => mergeHistograms(r.buckets.map((b) => b.latencyHistUs)).getValueAtPercentile(50) / 1000;
    const figures = (repeats: EngineRepeat[]): Figures => {
      const buckets = repeats.flatMap((r) => r.buckets);
      const ok = buckets.reduce((n, b) => n + b.ok, 0);
      const sent = buckets.reduce((n, b) => n + b.attempts, 0);
      const seconds = buckets.reduce((n, b) => n + b.spanMs, 0) / 1000;
      const latency = mergeHistograms(buckets.map((b) => b.latencyHistUs));
      const ops = Object.fromEntries(['insert-event', 'mark-delivered', 'read-recent'].map((op) => [op, buckets.reduce((n, b) => n + (b.ops[op]?.ok ?? 0), 0)]));
      const bestRoundP50 = Math.min(...repeats.map(p50));
      return { ok, sent, tps: ok / seconds, achieved: ok / sent, p50: latency.getValueAtPercentile(50) / 1000, p99: latency.getValueAtPercentile(99) / 1000, bestRoundP50, failed: repeats.reduce((n, r) => n + r.failed, 0), ops };
    };
    pg = figures(runs.pgbench);
    nd = figures(runs.node);
    const f = (x: number, d = 3) => x.toFixed(d);
    console.log(
      `baseline engines, notifications at ${RATE}/s, ${ROUNDS} × 3 s each, interleaved: ` +
        `pgbench ${f(pg.tps, 1)} tps (${pg.ok}/${pg.sent} of its schedule, ${f(pg.achieved * 100, 2)}%), p50 ${f(pg.p50)} ms, p99 ${f(pg.p99)} ms; ` +
        `node ${f(nd.tps, 1)} tps (${nd.ok}/${nd.sent}, ${f(nd.achieved * 100, 2)}%), p50 ${f(nd.p50)} ms, p99 ${f(nd.p99)} ms; ` +
        `p50 ratio node/pgbench ${f(nd.p50 / pg.p50, 2)}, of the best rounds ${f(nd.bestRoundP50 / pg.bestRoundP50, 2)} (per round: pgbench ${runs.pgbench.map((r) => f(p50(r))).join(', ')}; node ${runs.node.map((r) => f(p50(r))).join(', ')})`,
    );
  }, 90_000);

  it(`notifications at ${RATE}/s: both engines run the workload's mix and achieve their rate (within 1% of each other)`, () => {
    expect(pg.failed + nd.failed).toBe(0);
    // Both engines ran the three operations in the workload's proportions (50/30/20).
    for (const fig of [pg, nd]) {
      expect(fig.ops['insert-event']! / fig.ok).toBeCloseTo(0.5, 1);
      expect(fig.ops['mark-delivered']! / fig.ok).toBeCloseTo(0.3, 1);
    }
    // Achieved rate: completions over the schedule's sends, within 1% of each other.
    expect(Math.abs(pg.achieved - nd.achieved)).toBeLessThan(0.01);
    // The driver's rate is the asked one; pgbench's within 4 standard deviations of its Poisson count.
    expect(Math.abs(nd.tps - RATE) / RATE).toBeLessThan(0.01);
    expect(Math.abs(pg.tps - RATE) / RATE).toBeLessThan(4 / Math.sqrt(RATE * 3 * ROUNDS));
  });

  // What each engine measures, not what the machine's other work adds: a busy machine's CPU
  // waits only ever add latency, and they fall on the driver's one JavaScript thread far more
  // than on pgbench's C threads (docs/baseline.md), so each engine's least disturbed round is compared.
  it(`notifications at ${RATE}/s: p50 latency within 10% between the engines (each engine's least disturbed round)`, () => {
    expect(Math.abs(pg.bestRoundP50 - nd.bestRoundP50) / pg.bestRoundP50).toBeLessThanOrEqual(0.1);
  });
});
