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
import { pinProcess, twoCpus } from '../support/cpu-pin.js';

/**
 * The same workload under both engines on one server in one run: a cross-check of the measurement.
 * pgbench's --rate schedule is a Poisson process (its count over N expected transactions varies
 * by ±√N), the driver's is uniform: the achieved rate is each engine's completions over the
 * transactions its own schedule sent in the same seconds, and the raw rates must agree within
 * the Poisson noise of pgbench's count.
 *
 * Latency below a millisecond on a 2-core virtual machine moves between modes that are neither
 * engine's doing: unpinned, a repeat's p50 sat near 0.2 or near 0.4 ms (where the scheduler put
 * the client and the backend) and one engine's repeats differed by 2×. So the server (its
 * postmaster, hence every backend) runs on one CPU and this process (the driver, its wake-up
 * thread, and pgbench, its child) on the other, as a client and a server on two machines; the
 * host still switches mode now and then, for a second or a few. Repeats are short (1 s) and go in
 * pairs, in ABBA order so that drift falls on both, and the p50 ratio is the median of the pairs'
 * ratios: a pair split by a mode switch is an outlier the median leaves aside. A measurement
 * during which either engine's per-repeat p50s spread widely (the host switching mode every few
 * seconds, as in one CI run: pgbench 0.24–0.45 ms) compares nothing and is taken again, as a
 * baseline's invalid repeat is (docs/benchmarks.md).
 */
const lab = labReady(17);
const RATE = 200;
const PAIRS = 10;
const REPEAT_MS = 1_000;
/**
 * Measurements in all, at most, until one is steady (about 45 s each): two of the first five
 * attempts on this machine were not.
 */
const ATTEMPTS = 5;
/**
 * Steady: each engine's per-repeat p50s within this interquartile range over their median. Quiet,
 * it was 0.02–0.06; with the host switching mode every few seconds 0.3–0.5 (pgbench 0.24–0.45 ms).
 */
const STEADY_SPREAD = 0.15;

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

  type Figures = { ok: number; sent: number; tps: number; achieved: number; p50: number; p99: number; failed: number; ops: Record<string, number> };
  let pg: Figures;
  let nd: Figures;
  /** node/pgbench p50 of each pair of repeats. */
  let ratios: number[];
  let pinned: string | undefined;

  /** Each engine's spread of per-repeat p50s (interquartile range over median), per attempt. */
  const spreads: string[] = [];
  let steady = false;

  // One measurement, judged by the two criteria below; measured again (ATTEMPTS in all, at most)
  // while the machine was not steady during it.
  beforeAll(async () => {
    const workload = workloadByName('notifications');
    const plan: BaselinePlan = { engine: 'pgbench', load: { kind: 'workload', workload, label: 'notifications' }, rate: RATE, clients: 4, durationMs: REPEAT_MS, warmupMs: 1_000, repeat: PAIRS, schema: 'cutover_baseline' };
    const target: BaselineTarget = { side: 'a', endpoint: server.endpoint() };
    const pgbench = await pgbenchEngine(plan, { pgbench: await findPgbench({ explicit: labBindir(17) }), runDir });
    const node = nodeEngine({ ...plan, engine: 'node', rate: RATE }, workload);
    await pgbench.prepare(target);
    await node.prepare(target);
    const p50 = (r: EngineRepeat) => mergeHistograms(r.buckets.map((b) => b.latencyHistUs)).getValueAtPercentile(50) / 1000;
    const figures = (repeats: EngineRepeat[]): Figures => {
      const buckets = repeats.flatMap((r) => r.buckets);
      const ok = buckets.reduce((n, b) => n + b.ok, 0);
      const sent = buckets.reduce((n, b) => n + b.attempts, 0);
      const seconds = buckets.reduce((n, b) => n + b.spanMs, 0) / 1000;
      const latency = mergeHistograms(buckets.map((b) => b.latencyHistUs));
      const ops = Object.fromEntries(['insert-event', 'mark-delivered', 'read-recent'].map((op) => [op, buckets.reduce((n, b) => n + (b.ops[op]?.ok ?? 0), 0)]));
      return { ok, sent, tps: ok / seconds, achieved: ok / sent, p50: latency.getValueAtPercentile(50) / 1000, p99: latency.getValueAtPercentile(99) / 1000, failed: repeats.reduce((n, r) => n + r.failed, 0), ops };
    };
    for (let attempt = 1; attempt <= ATTEMPTS && !steady; attempt++) {
      const cpus = twoCpus();
      const unpinServer = cpus && pinProcess(await server.postmasterPid(), String(cpus[0]));
      const unpinSelf = cpus && unpinServer && pinProcess(process.pid, String(cpus[1]));
      pinned = unpinSelf && cpus ? `server on CPU ${cpus[0]}, clients on CPU ${cpus[1]}` : undefined;
      const runs: { pgbench: EngineRepeat[]; node: EngineRepeat[] } = { pgbench: [], node: [] };
      try {
        // The driver's first repeats run code V8 has not optimised yet: one is run and left out.
        if (attempt === 1) await node.repeat(target);
        for (let i = 0; i < PAIRS; i++) {
          if (i % 2 === 0) {
            runs.pgbench.push(await pgbench.repeat(target));
            runs.node.push(await node.repeat(target));
          } else {
            runs.node.push(await node.repeat(target));
            runs.pgbench.push(await pgbench.repeat(target));
          }
        }
      } finally {
        if (unpinSelf) unpinSelf();
        if (unpinServer) unpinServer();
      }
      pg = figures(runs.pgbench);
      nd = figures(runs.node);
      ratios = runs.node.map((r, i) => p50(r) / p50(runs.pgbench[i]!));
      const spread = { pgbench: relativeIqr(runs.pgbench.map(p50)), node: relativeIqr(runs.node.map(p50)) };
      steady = spread.pgbench <= STEADY_SPREAD && spread.node <= STEADY_SPREAD;
      spreads.push(`attempt ${attempt}: pgbench ${spread.pgbench.toFixed(2)}, node ${spread.node.toFixed(2)}`);
      const f = (x: number, d = 3) => x.toFixed(d);
      console.log(
        `baseline engines, attempt ${attempt} (${steady ? 'steady' : 'not steady: measured again'}; spread of per-repeat p50s, IQR/median: pgbench ${f(spread.pgbench, 2)}, node ${f(spread.node, 2)}), ` +
          `notifications at ${RATE}/s, ${PAIRS} pairs of ${REPEAT_MS / 1000} s repeats (ABBA), ${pinned ?? 'unpinned'}: ` +
          `pgbench ${f(pg.tps, 1)} tps (${pg.ok}/${pg.sent} of its schedule, ${f(pg.achieved * 100, 2)}%), p50 ${f(pg.p50)} ms, p99 ${f(pg.p99)} ms; ` +
          `node ${f(nd.tps, 1)} tps (${nd.ok}/${nd.sent}, ${f(nd.achieved * 100, 2)}%), p50 ${f(nd.p50)} ms, p99 ${f(nd.p99)} ms; ` +
          `p50 node/pgbench, median of the pairs ${f(median(ratios), 2)} (pairs: ${ratios.map((r) => f(r, 2)).join(', ')}; pgbench ${runs.pgbench.map((r) => f(p50(r))).join(', ')}; node ${runs.node.map((r) => f(p50(r))).join(', ')})`,
      );
    }
  }, 300_000);

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
    expect(Math.abs(pg.tps - RATE) / RATE).toBeLessThan(4 / Math.sqrt((RATE * PAIRS * REPEAT_MS) / 1000));
  });

  // With the server and the clients each on a CPU of their own (see above); without two CPUs to
  // pin them to, a repeat's p50 depends on where the scheduler put them, and no 10% comparison holds.
  it.skipIf(!twoCpus())(`notifications at ${RATE}/s: p50 latency within 10% between the engines (median of ${PAIRS} pairs, server and clients pinned to a CPU each${twoCpus() ? '' : '; skipped: this machine has no two CPUs to pin them to, or no taskset'})`, () => {
    expect(pinned, 'taskset could not pin the server and this process').toBeDefined();
    expect(steady, `no steady measurement in ${ATTEMPTS} attempts (spread of per-repeat p50s, IQR/median, at most ${STEADY_SPREAD}): ${spreads.join('; ')}`).toBe(true);
    expect(Math.abs(median(ratios) - 1)).toBeLessThanOrEqual(0.1);
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

/** Interquartile range over median: how far a set of figures spreads, a stray one or two aside. */
function relativeIqr(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = (s.length - 1) * q;
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
  };
  return (at(0.75) - at(0.25)) / at(0.5);
}
