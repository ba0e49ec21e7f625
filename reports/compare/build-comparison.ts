import { resolve } from 'node:path';
import { FINDINGS_FILE, POST_SNAPSHOT_FILE, TIMELINE_FILE } from '../../run/run-files.js';
import { toolVersion } from '../../core/tool-version.js';
import { compareFindings } from './compare-findings.js';
import { applyCompareGate } from './compare-gate.js';
import { compareLatency } from './compare-latency.js';
import { comparePlans } from './compare-plans.js';
import { compareThroughput } from './compare-throughput.js';
import type { ComparedRun, RunComparison, ThroughputComparison } from './comparison.js';
import type { CompareLimits } from './gate-limits.js';
import type { RunInputs } from './run-inputs.js';
import type { ThresholdExpression } from '../../core/threshold-expression.js';
import { changeFigures } from './change-figures.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import { wantedPercentiles } from '../thresholds/timeline-figures.js';
import { percentileKey } from './latency-percentiles.js';
import { compareBaselines, type BaselineCompareOptions, type BaselineSideInput } from './baseline-comparison.js';

/** Files whose absence empties part of the comparison, by what `RunInputs` holds. */
function missingFiles(run: RunInputs): string[] {
  const missing: string[] = [];
  if (!run.timeline) missing.push(TIMELINE_FILE);
  if (!run.post) missing.push(POST_SNAPSHOT_FILE);
  if (!run.findings) missing.push(FINDINGS_FILE);
  return missing;
}

/** How the comparison names a run: what it was, and the versions it went from and to. */
export function describeRun(run: RunInputs): ComparedRun {
  const m = run.manifest;
  const out: ComparedRun = {
    dir: run.dir,
    name: m.name,
    method: m.method,
    verdict: m.verdict,
    startedAt: m.startedAt,
    toolVersion: m.tool?.version ?? '',
    missing: missingFiles(run),
  };
  const from = m.endpoints?.blue?.version;
  const to = m.endpoints?.green?.version ?? m.endpoints?.writer?.version ?? run.post?.server.version;
  if (from) out.from = from;
  if (to) out.to = to;
  if (m.soak) {
    out.rate = m.soak.rate;
    out.workload = m.soak.workload;
  }
  return out;
}

const SAME_DIRECTORY = 'RUN_A and RUN_B are the same directory';

/** What a reader should know before trusting the ratios. */
function notesOn(a: ComparedRun, b: ComparedRun, throughput: ThroughputComparison): string[] {
  const notes: string[] = [];
  if (resolve(a.dir) === resolve(b.dir)) notes.push(SAME_DIRECTORY);
  for (const [label, run] of [['RUN_A', a], ['RUN_B', b]] as const) {
    if (run.verdict === 'running' || run.verdict === 'error' || run.verdict === 'interrupted') notes.push(`${label} did not complete (verdict ${run.verdict}): its figures cover what it recorded`);
    if (run.missing.length > 0) notes.push(`${label} has no ${run.missing.join(', ')}: that part of the comparison is empty`);
  }
  if (a.rate !== undefined && b.rate !== undefined && a.rate !== b.rate) {
    notes.push(`the soaks ran at different rates (${a.rate}/s and ${b.rate}/s): throughput and latency are not like for like`);
  }
  if (a.workload && b.workload && a.workload !== b.workload) notes.push(`the soaks ran different workloads (${a.workload} and ${b.workload})`);
  if (a.method !== b.method) notes.push(`the runs used different methods (${a.method} and ${b.method})`);
  const spanA = throughput.load.a?.spanMs;
  const spanB = throughput.load.b?.spanMs;
  if (spanA && spanB && Math.abs(spanA - spanB) > 0.25 * Math.max(spanA, spanB)) {
    notes.push(`the soaks lasted ${(spanA / 1000).toFixed(0)} s and ${(spanB / 1000).toFixed(0)} s: high percentiles of a shorter soak rest on fewer values`);
  }
  return notes;
}

export interface BuildComparisonOptions {
  /** Defaults to now; fixed in tests. */
  generatedAt?: string;
  /** The two sides of a baseline comparison, when the runs hold baselines (readBaselineSides). */
  baseline?: readonly [BaselineSideInput, BaselineSideInput] | null;
  /** Confidence, bootstrap iterations and seed of the baseline comparison. */
  statistics?: BaselineCompareOptions;
  /** Thresholds of the configuration; the change ones (latency_change, tps_change) are judged. */
  thresholds?: readonly ThresholdExpression[];
  /** One run compared with itself (its two baseline sides): no note that RUN_A and RUN_B are the same. */
  single?: boolean;
}

/**
 * Compares two run directories already read: latency distributions, throughput, downtime and
 * ledger totals, EXPLAIN plans and findings, then applies the limits.
 */
export function buildComparison(givenA: RunInputs, givenB: RunInputs, limits: CompareLimits, options: BuildComparisonOptions = {}): RunComparison {
  // With baselines, a run's timeline.ndjson is a soak only when the run had one: a run of
  // `cutover baseline` keeps all its repeats there too, already compared repeat by repeat.
  const soakOnly = (r: RunInputs): RunInputs => (options.baseline && !r.manifest.soak ? { ...r, timeline: null } : r);
  const a = soakOnly(givenA);
  const b = soakOnly(givenB);
  const runA = describeRun(givenA);
  const runB = describeRun(givenB);
  const latency =
    a.timeline && b.timeline
      ? compareLatency({ timeline: a.timeline, steps: a.manifest.steps ?? [] }, { timeline: b.timeline, steps: b.manifest.steps ?? [] })
      : null;
  const throughput = compareThroughput(a, b);
  const plans = comparePlans(a.post, b.post);
  const findings = compareFindings(a.findings, b.findings);
  const baseline = options.baseline
    ? compareBaselines(options.baseline[0], options.baseline[1], {
        ...options.statistics,
        percentiles: [
          ...(options.statistics?.percentiles ?? []),
          limits.latencyPercentile,
          ...wantedPercentiles((options.thresholds ?? []).filter((t) => t.metric === 'latency_change')).flatMap((p) => percentileKey(p) ?? []),
        ],
      })
    : null;
  const gate = applyCompareGate(limits, { latency, throughput, plans, findings, baseline, missing: { a: runA.missing, b: runB.missing } });
  gate.thresholds = evaluateThresholds(options.thresholds ?? [], changeFigures(latency, throughput, baseline));
  if (gate.thresholds.some((t) => !t.passed)) gate.verdict = 'fail';
  // Runs of `cutover baseline` have no soak, snapshots or findings: saying so for each is noise.
  const baselineOnly = baseline !== null && !a.timeline && !b.timeline;
  const notes = notesOn(runA, runB, throughput).filter((n) => !(options.single && n === SAME_DIRECTORY) && !(baselineOnly && / has no /.test(n)));
  return {
    kind: 'cutover.comparison',
    schemaVersion: 1,
    tool: { name: 'cutover', version: toolVersion() },
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    a: runA,
    b: runB,
    latency,
    throughput,
    plans,
    findings,
    baseline,
    gate,
    notes: [...notes, ...(baseline?.notes ?? [])],
  };
}
