import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeHistogram, newHistogram, recordMs } from '../../load/latency-histogram.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { ExplainBaseline } from '../../checks/explain-query.js';
import type { PlanShapeNode } from '../../checks/plan-shape.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';
import type { DiffReport, ReportFinding } from '../../reports/diff-report.js';
import type { Snapshot } from '../../checks/snapshot.js';
import type { RunInputs } from '../../reports/compare/index.js';
import { snapshotOf } from '../support/snapshot-builder.js';

/** Start of the crafted soaks, epoch ms. */
export const T0 = Date.parse('2025-01-01T10:00:00.000Z');

export interface SecondSpec {
  /** Latencies of the successes completed in this second, ms. */
  latencies: number[];
  /** Schedule lags, ms; default 0.1 ms per attempt. */
  lags?: number[];
  attempts?: number;
  errors?: Record<string, number>;
  spanMs?: number;
}

/** One timeline second with real encoded histograms. */
export function second(i: number, spec: SecondSpec, t0 = T0): TimelineBucket {
  const latency = newHistogram();
  for (const ms of spec.latencies) recordMs(latency, ms);
  const lag = newHistogram();
  const attempts = spec.attempts ?? spec.latencies.length + Object.values(spec.errors ?? {}).reduce((s, n) => s + n, 0);
  for (const ms of spec.lags ?? Array.from({ length: attempts }, () => 0.1)) recordMs(lag, ms);
  const t = t0 + i * 1000;
  return {
    t,
    at: new Date(t).toISOString(),
    second: i,
    spanMs: spec.spanMs ?? 1000,
    attempts,
    ok: spec.latencies.length,
    errors: spec.errors ?? {},
    ledgered: { ok: 0, error: 0, unknown: 0 },
    inFlight: 0,
    lagMs: { p50: 0, p99: 0, max: 0 },
    latencyMs: { p50: 0, p99: 0, max: 0 },
    lagHistUs: encodeHistogram(lag),
    latencyHistUs: encodeHistogram(latency),
    ops: {},
  };
}

/** `n` seconds whose successes all take `ms` (100 per second). */
export function steadySeconds(n: number, ms: number, from = 0): TimelineBucket[] {
  return Array.from({ length: n }, (_, i) => second(from + i, { latencies: Array.from({ length: 100 }, () => ms) }));
}

export function step(name: string, action: string, fromSecond: number, toSecond: number, figures: Partial<StepRecord> = {}): StepRecord {
  const startedAt = new Date(T0 + fromSecond * 1000).toISOString();
  const endedAt = new Date(T0 + toSecond * 1000).toISOString();
  return { name, action, status: 'ok', startedAt, endedAt, durationMs: (toSecond - fromSecond) * 1000, downtimeMs: 0, failedAttempts: 0, lost: 0, unexpected: 0, duplicated: 0, ...figures };
}

export function manifest(name: string, from: string, to: string, steps: StepRecord[], extra: Partial<RunManifest> = {}): RunManifest {
  return {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: '0.1.0' },
    name,
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 60_000).toISOString(),
    durationMs: 60_000,
    verdict: 'pass',
    method: 'logical',
    config: {},
    endpoints: {
      blue: { host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', sslmode: 'disable', version: from },
      green: { host: '127.0.0.1', port: 5433, database: 'app', user: 'postgres', sslmode: 'disable', version: to },
    },
    steps,
    files: {},
    ...extra,
  };
}

/** A plan shape from its nodes, outermost first, each the only child of the one before. */
export function chain(...nodes: (string | Partial<PlanShapeNode>)[]): PlanShapeNode {
  const [first, ...rest] = nodes;
  const node: PlanShapeNode = typeof first === 'string' ? { node: first, children: [] } : { node: 'Unknown', children: [], ...first };
  if (rest.length > 0) node.children = [chain(...rest)];
  return node;
}

export function baseline(name: string, shape: PlanShapeNode, totalCost: number, extra: Partial<ExplainBaseline> = {}): ExplainBaseline {
  return { name, database: 'app', sql: 'SELECT 1', analyze: false, buffers: false, status: 'ok', runs: 1, shape, totalCost, planningTimeMs: 0.1, ...extra };
}

export function postSnapshot(version: string, baselines: ExplainBaseline[]): Snapshot {
  return snapshotOf('post', { 'explain.baselines': { title: 'EXPLAIN baselines', status: 'ok', data: { baselines } } }, { version, versionNum: Number(version.split('.')[0]) * 10000 });
}

export function finding(id: string, severity: ReportFinding['severity'], object?: string, message = `finding ${id}`): ReportFinding {
  const f: ReportFinding = { id, checkId: id.split('/')[0] ?? id, key: id.split('/')[1] ?? id, severity, message, gate: 'ok' };
  if (object !== undefined) f.object = object;
  return f;
}

export function findingsOf(findings: ReportFinding[]): DiffReport {
  return { kind: 'cutover.findings', findings } as unknown as DiffReport;
}

/** A run in memory, as readRunInputs would return it. */
export function runInputs(dir: string, m: RunManifest, parts: Partial<Omit<RunInputs, 'dir' | 'manifest'>> = {}): RunInputs {
  return { dir, manifest: m, timeline: parts.timeline ?? null, post: parts.post ?? null, findings: parts.findings ?? null };
}

/** Writes a run to a directory the way the harness lays it out. */
export async function writeRunDir(dir: string, run: RunInputs): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'run.json'), JSON.stringify(run.manifest, null, 2));
  if (run.timeline) await writeFile(join(dir, 'timeline.ndjson'), run.timeline.map((b) => JSON.stringify(b)).join('\n') + '\n');
  if (run.post) await writeFile(join(dir, 'post.snapshot.json'), JSON.stringify(run.post, null, 2));
  if (run.findings) await writeFile(join(dir, 'findings.json'), JSON.stringify(run.findings, null, 2));
  return dir;
}
