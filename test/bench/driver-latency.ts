/**
 * The harness's own share of the latency it reports: the Node driver and `pgbench --rate` running
 * the same single-row insert at the same rate, with the same connections, on the same server,
 * in alternation (pgbench, driver, driver, pgbench, ...) so that drift of a shared machine falls
 * on both alike. Latency is from the due (scheduled) time for both engines, schedule lag included,
 * first second left out; the figure is the driver's p99 over pgbench's, per repeat and median.
 * Called from test/bench/index.ts (`BENCH=latency`); alone: `npx tsx test/bench/driver-latency.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession } from '../../core/session.js';
import { runDriver, type DriverOptions } from '../../load/driver/index.js';
import { prepareWorkload, workloadByName } from '../../load/workloads/index.js';
import { TimelineWriter } from '../../load/timeline-writer.js';
import { mergeHistograms, summariseHistogram, type HistogramSummaryMs } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { fileLedger } from '../support/driver-harness.js';
import { labBindir } from '../support/lab.js';
import { Pgbench } from './pgbench-peer.js';

export interface LatencyBenchOptions {
  /** Rates to compare at. Default 1,000 and 4,000 a second. */
  rates?: number[];
  /** Seconds of each run (the first is left out). Default 15. */
  seconds?: number;
  /** Runs of each engine at each rate. Default 3. */
  repeats?: number;
  /** Connections for both engines; default the driver's own default at each rate (rate/250, 4 to 32). */
  connections?: number;
  log?: (line: string) => void;
}

export interface LatencyRun {
  engine: 'pgbench' | 'driver';
  rate: number;
  connections: number;
  latency: HistogramSummaryMs;
  lag: HistogramSummaryMs;
  /** Load average (1 min) of the machine when the run ended. */
  load: number;
}

export interface LatencyBenchResult {
  server: string;
  seconds: number;
  runs: LatencyRun[];
  /** Per rate: the driver's p99 ÷ pgbench's, one per repeat (in run order), and their median. */
  ratios: { rate: number; connections: number; p99Ratios: number[]; medianP99Ratio: number; p50Ratios: number[]; medianP50Ratio: number }[];
}

/** The driver's default pool size at a rate (see DriverOptions.connections). */
function defaultConnections(rate: number): number {
  return Math.min(32, Math.max(4, Math.ceil(rate / 250)));
}

export async function benchDriverLatency(options: LatencyBenchOptions = {}): Promise<LatencyBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const rates = options.rates ?? [1000, 4000];
  const seconds = options.seconds ?? 15;
  const repeats = options.repeats ?? 3;
  const bindir = labBindir(17);
  await using server = await LocalServer.start({ bindir, name: 'bench-latency', settings: { max_connections: 100, shared_buffers: '256MB' } });
  const endpoint = server.endpoint();
  {
    await using db = await openSession(endpoint, { readOnly: false });
    await prepareWorkload(db, workloadByName('writes-only'), 'cutover');
  }
  const work = await mkdtemp(join(tmpdir(), 'cutover-bench-latency-'));
  const runs: LatencyRun[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      for (const rate of rates) {
        const connections = options.connections ?? defaultConnections(rate);
        const pgbench = new Pgbench(join(bindir, 'pgbench'), server, work, connections);
        // ABBA: even repeats pgbench first, odd ones the driver first.
        const order: LatencyRun['engine'][] = r % 2 === 0 ? ['pgbench', 'driver'] : ['driver', 'pgbench'];
        for (const engine of order) {
          const run = engine === 'pgbench' ? await pgbenchRun(pgbench, rate, seconds) : await driverRun(endpoint, rate, seconds, connections, work);
          const done: LatencyRun = { engine, rate, connections, ...run, load: loadavg()[0] ?? 0 };
          runs.push(done);
          log(`bench latency: ${engine} ${rate}/s, ${connections} connections: latency p50 ${done.latency.p50.toFixed(2)} p99 ${done.latency.p99.toFixed(2)} max ${done.latency.max.toFixed(1)} ms; lag p99 ${done.lag.p99.toFixed(2)} ms; load ${done.load.toFixed(2)}`);
        }
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const ratios = rates.map((rate) => {
    const of = (engine: LatencyRun['engine']) => runs.filter((x) => x.rate === rate && x.engine === engine);
    const d = of('driver');
    const p = of('pgbench');
    const p99Ratios = d.map((x, i) => x.latency.p99 / (p[i]?.latency.p99 ?? NaN));
    const p50Ratios = d.map((x, i) => x.latency.p50 / (p[i]?.latency.p50 ?? NaN));
    return { rate, connections: d[0]?.connections ?? 0, p99Ratios, medianP99Ratio: median(p99Ratios), p50Ratios, medianP50Ratio: median(p50Ratios) };
  });
  const result: LatencyBenchResult = { server: 'lab PostgreSQL 17', seconds, runs, ratios };
  printLatencyBench(result, log);
  return result;
}

async function pgbenchRun(pgbench: Pgbench, rate: number, seconds: number): Promise<Pick<LatencyRun, 'latency' | 'lag'>> {
  const { latency, lag } = await pgbench.rateLatency(rate, seconds);
  return { latency: summariseHistogram(latency), lag: summariseHistogram(lag) };
}

/** The driver as a soak runs it: the file ledger, the timeline written each second. */
async function driverRun(endpoint: DriverOptions['endpoint'], rate: number, seconds: number, connections: number, work: string): Promise<Pick<LatencyRun, 'latency' | 'lag'>> {
  const runDir = await mkdtemp(join(work, 'driver-'));
  const buckets: TimelineBucket[] = [];
  {
    await using timeline = await TimelineWriter.open(runDir);
    await runDriver({
      workload: workloadByName('writes-only'),
      endpoint,
      rate,
      durationMs: seconds * 1000,
      connections,
      prepare: false,
      ledger: fileLedger(runDir, rate),
      onSecond: (b) => {
        buckets.push(b);
        timeline.append(b);
      },
    });
  }
  await rm(runDir, { recursive: true, force: true });
  const steady = buckets.filter((b) => b.second >= 1);
  return {
    latency: summariseHistogram(mergeHistograms(steady.map((b) => b.latencyHistUs))),
    lag: summariseHistogram(mergeHistograms(steady.map((b) => b.lagHistUs))),
  };
}

function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The figures as docs/benchmarks.md shows them. */
export function printLatencyBench(r: LatencyBenchResult, log: (line: string) => void = console.log): void {
  const f = (x: number) => x.toFixed(2);
  log(`\n| rate | connections | pgbench p50 / p99, ms | driver p50 / p99, ms | p99 ratio per repeat | p99 ratio (median) | p50 ratio (median) | load avg |\n|---:|---:|---|---|---|---:|---:|---|`);
  for (const x of r.ratios) {
    const of = (engine: LatencyRun['engine']) => r.runs.filter((y) => y.rate === x.rate && y.engine === engine);
    const span = (runs: LatencyRun[]) => `${runs.map((y) => f(y.latency.p50)).join(', ')} / ${runs.map((y) => f(y.latency.p99)).join(', ')}`;
    const loads = r.runs.filter((y) => y.rate === x.rate).map((y) => y.load);
    log(`| ${x.rate}/s | ${x.connections} | ${span(of('pgbench'))} | ${span(of('driver'))} | ${x.p99Ratios.map(f).join(', ')} | **${f(x.medianP99Ratio)}** | ${f(x.medianP50Ratio)} | ${f(Math.min(...loads))}–${f(Math.max(...loads))} |`);
  }
  log(`\nbench latency: goal driver p99 within 1.5× pgbench's: ${r.ratios.map((x) => `${x.rate}/s ${f(x.medianP99Ratio)} ${x.medianP99Ratio <= 1.5 ? 'met' : 'NOT met'}`).join('; ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDriverLatency({
    ...(process.env.BENCH_LATENCY_RATES ? { rates: process.env.BENCH_LATENCY_RATES.split(',').map(Number) } : {}),
    ...(process.env.BENCH_LATENCY_SECONDS ? { seconds: Number(process.env.BENCH_LATENCY_SECONDS) } : {}),
    ...(process.env.BENCH_LATENCY_REPEATS ? { repeats: Number(process.env.BENCH_LATENCY_REPEATS) } : {}),
    ...(process.env.BENCH_LATENCY_CONNECTIONS ? { connections: Number(process.env.BENCH_LATENCY_CONNECTIONS) } : {}),
  });
}
