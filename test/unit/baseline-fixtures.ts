import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { BaselineRecord, BaselineRepeat, BaselineSide } from '../../run/baseline-record.js';
import type { BaselineSideInput } from '../../reports/compare/baseline-comparison.js';
import { seededRandom, type Random } from '../../reports/compare/seeded-random.js';
import { manifest, second, T0 } from './compare-fixtures.js';

/** How a synthetic side behaves: a lognormal latency whose median drifts from repeat to repeat. */
export interface SideSpec {
  /** Median latency, ms. */
  medianMs: number;
  /** Standard deviation of log latency within a second (the spread of transactions). */
  withinSd?: number;
  /** Standard deviation of the log median between repeats (a shared machine's drift). */
  betweenSd?: number;
  /** Successes per second around which each second varies (±10%). */
  tps?: number;
  repeats?: number;
  seconds?: number;
  /** Repeat indexes (1-based, within the side) to mark invalid. */
  invalid?: number[];
}

function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A repeat's seconds: `spec.tps` successes a second (scaled by the repeat's drift), lognormal latencies. */
export function repeatBuckets(spec: SideSpec, random: Random, drift: number): TimelineBucket[] {
  const n = spec.seconds ?? 5;
  const tps = spec.tps ?? 200;
  return Array.from({ length: n }, (_, i) => {
    const count = Math.max(1, Math.round((tps / drift) * (0.9 + 0.2 * random())));
    const latencies = Array.from({ length: count }, () => spec.medianMs * drift * Math.exp((spec.withinSd ?? 0.3) * normal(random)));
    return second(i, { latencies });
  });
}

function repeatRecord(index: number, side: BaselineSide, buckets: TimelineBucket[], valid: boolean): BaselineRepeat {
  const ok = buckets.reduce((s, b) => s + b.ok, 0);
  const r: BaselineRepeat = {
    index,
    side,
    server: side === 'a' ? '127.0.0.1:5432' : '127.0.0.1:5433',
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + buckets.length * 1000).toISOString(),
    durationMs: buckets.length * 1000,
    transactions: ok,
    errors: valid ? 0 : 3,
    abortedClients: 0,
    tps: ok / buckets.length,
    latencyMs: { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 },
    valid,
    timeline: `baseline/${side}-${index}.timeline.ndjson`,
  };
  if (!valid) r.invalidReason = '3 failed transactions';
  return r;
}

export function record(repeats: BaselineRepeat[], extra: Partial<BaselineRecord> = {}): BaselineRecord {
  return { engine: 'pgbench', workload: 'builtin:select-only', rate: null, clients: 2, durationMs: 5000, warmupMs: 0, repeat: 3, repeats, valid: repeats.every((r) => r.valid), ...extra };
}

/** Both sides of one comparison, interleaved as `cutover baseline --against` runs them (a1, b1, a2, b2, …). */
export function syntheticSides(a: SideSpec, b: SideSpec, seed: number): { a: BaselineSideInput; b: BaselineSideInput; buckets: Map<string, TimelineBucket[]>; record: BaselineRecord } {
  const random = seededRandom(seed);
  const repeats: BaselineRepeat[] = [];
  const buckets = new Map<string, TimelineBucket[]>();
  const count = Math.max(a.repeats ?? 3, b.repeats ?? 3);
  let index = 0;
  for (let i = 1; i <= count; i++) {
    for (const [side, spec] of [['a', a], ['b', b]] as const) {
      if (i > (spec.repeats ?? 3)) continue;
      const drift = Math.exp((spec.betweenSd ?? 0.1) * normal(random));
      const seconds = repeatBuckets(spec, random, drift);
      const r = repeatRecord(++index, side, seconds, !(spec.invalid ?? []).includes(i));
      repeats.push(r);
      buckets.set(r.timeline, seconds);
    }
  }
  const rec = record(repeats);
  const side = (s: BaselineSide, label: string): BaselineSideInput => ({
    label,
    source: `runs/synthetic (side ${s})`,
    record: rec,
    repeats: repeats.filter((r) => r.side === s).map((repeat) => ({ repeat, buckets: buckets.get(repeat.timeline) as TimelineBucket[] })),
  });
  return { a: side('a', 'A'), b: side('b', 'B'), buckets, record: rec };
}

/** Writes a baseline run directory (run.json and one timeline per repeat). */
export async function writeBaselineRun(dir: string, rec: BaselineRecord, buckets: Map<string, TimelineBucket[]>): Promise<string> {
  await mkdir(join(dir, 'baseline'), { recursive: true });
  await writeFile(join(dir, 'run.json'), JSON.stringify(manifest('baseline', '17.11', '17.11', [], { method: 'baseline', baseline: rec }), null, 2));
  for (const [file, seconds] of buckets) await writeFile(join(dir, file), seconds.map((b) => JSON.stringify(b)).join('\n') + '\n');
  return dir;
}
