import type { Finding, Severity } from '../../checks/finding.js';
import type { RunManifest } from '../../run/manifest.js';
import type { Change } from './change.js';
import type { LatencyPercentiles, PercentileKey } from './latency-percentiles.js';
import type { CompareLimits } from './gate-limits.js';
import type { BaselineComparison } from './baseline-comparison.js';
import type { ThresholdResult } from '../thresholds/evaluate-thresholds.js';

/** One of the two runs, as the comparison names it. */
export interface ComparedRun {
  /** The directory as given on the command line. */
  dir: string;
  name: string;
  method: string;
  verdict: RunManifest['verdict'];
  startedAt: string;
  toolVersion: string;
  /** Server version before and after the upgrade, when the run records them. */
  from?: string;
  to?: string;
  /** The soak's configured rate (attempts per second) and workload. */
  rate?: number;
  workload?: string;
  /** Files of a run directory this run lacks, so that part of the comparison is empty. */
  missing: string[];
}

/** Percentiles of both runs over one window, and how each moved. */
export interface PercentilePair {
  a: LatencyPercentiles;
  b: LatencyPercentiles;
  change: Record<PercentileKey, Change>;
}

/** Latency (successful attempts, from their due time) and schedule lag over one window. */
export interface WindowLatency {
  latency: PercentilePair;
  lag: PercentilePair;
}

/** A step present in both runs: its name and its 1-based number in each run (names repeat, e.g. two waits). */
export interface PairedStep {
  action: string;
  nameA: string;
  nameB: string;
  numberA: number;
  numberB: number;
}

/** A paired step with the latency of the timeline's seconds that overlapped it. */
export interface StepLatency extends PairedStep, WindowLatency {}

export interface LatencyComparison {
  /** The whole soak of each run. */
  soak: WindowLatency;
  /** Steps paired between the runs (by position when both ran the same actions, else by name). */
  steps: StepLatency[];
  /** Paired steps no second of a run's timeline overlapped (they ran outside the soak): named, not measured. */
  unmeasured: PairedStep[];
}

/** What the load achieved over the whole timeline of one run. */
export interface LoadFigures {
  /** Milliseconds the timeline covers. */
  spanMs: number;
  attempts: number;
  ok: number;
  failed: number;
  /** Attempts sent per second, and successes per second. */
  attemptRate: number;
  okRate: number;
}

/** What run.json says about downtime and the ledger; null where nothing measured it. */
export interface LedgerFigures {
  downtimeMs: number | null;
  outages: number | null;
  lost: number | null;
  unexpected: number | null;
  duplicated: number | null;
  late: number | null;
}

export type LoadKey = 'attemptRate' | 'okRate' | 'failed';
export type LedgerKey = keyof LedgerFigures;

export interface ThroughputComparison {
  /** Null for a run without a timeline. */
  load: { a: LoadFigures | null; b: LoadFigures | null; change: Partial<Record<LoadKey, Change>> };
  ledger: { a: LedgerFigures; b: LedgerFigures; change: Partial<Record<LedgerKey, Change>> };
  /** Failed attempts by error class, every class seen in either run. */
  errors: { errorClass: string; a: number; b: number }[];
}

/** One EXPLAIN baseline in both runs (or in one of them). */
export interface PlanComparison {
  name: string;
  /** `compared`: a plan in both; `only-a`/`only-b`: named in one run; `failed`: not ok in a run. */
  status: 'compared' | 'only-a' | 'only-b' | 'failed';
  sameShape?: boolean;
  /** Planner's total cost estimate. */
  cost?: Change;
  /** Median execution time with ANALYZE, else planning time (ms). */
  time?: Change & { kind: 'execution' | 'planning' };
  /** The plan shapes as indented lines, and their line diff when they differ. */
  shapeA?: string[];
  shapeB?: string[];
  diff?: string[];
  /** Why a baseline was not compared. */
  reason?: string;
}

/** A finding present in one run and not the other, or at another severity. */
export interface FindingDifference {
  id: string;
  checkId: string;
  object?: string;
  message: string;
  /** Severity in each run; absent where the run has no such finding. */
  a?: Severity;
  b?: Severity;
}

export interface FindingsComparison {
  /** False for a run without findings.json. */
  available: { a: boolean; b: boolean };
  /** Findings in both runs at the same severity. */
  unchanged: number;
  differences: FindingDifference[];
}

/** The outcome of one configured limit: a finding of check `compare`, `fail` when violated. */
export interface GateResult extends Finding {
  /** The limit as the command line would set it, e.g. `--max-latency-regression 25%`. */
  limit: string;
  passed: boolean;
}

export interface CompareGate {
  verdict: 'pass' | 'fail';
  limits: CompareLimits;
  results: GateResult[];
  /** The configuration's change thresholds (latency_change, tps_change), judged k6's way. */
  thresholds: ThresholdResult[];
}

/**
 * Everything `cutover compare` found, computed once from two run directories: renderers only
 * format it. Serialised as is, it is the `--json` output.
 */
export interface RunComparison {
  kind: 'cutover.comparison';
  schemaVersion: 1;
  tool: { name: 'cutover'; version: string };
  generatedAt: string;
  a: ComparedRun;
  b: ComparedRun;
  /** Null when a run has no timeline. */
  latency: LatencyComparison | null;
  throughput: ThroughputComparison;
  plans: PlanComparison[];
  findings: FindingsComparison;
  /** Performance baselines (repeats of `cutover baseline`, a rehearsal's blue and green): each difference with its interval. Null when the runs hold none. */
  baseline: BaselineComparison | null;
  gate: CompareGate;
  /** Things a reader should know before trusting the ratios (different rates, unfinished runs). */
  notes: string[];
}
