import type { BaselineRecord, RehearsalBaselines } from './baseline-record.js';
import type { ThresholdResult } from '../core/threshold-expression.js';
import type { PublicEndpoint } from '../core/endpoint.js';
import type { ErrorRecord } from '../core/errors.js';
import type { ValidationResult } from '../validate/result.js';
import type { MigrationResult } from '../validate/migration-checks.js';
import type { SoakRecord } from '../load/soak-record.js';

/** The run.json schema this version writes and reads (`readRunManifest` refuses another). */
export const RUN_SCHEMA_VERSION = 1;

export type Verdict = 'pass' | 'warn' | 'fail' | 'error';
/** `interrupted`: the step was under way when the run was stopped (Ctrl-C): it neither failed nor finished its plan. */
export type StepStatus = 'ok' | 'failed' | 'skipped' | 'interrupted';

/**
 * Why a run ended before its plan, with the planned and the actual duration (DESIGN.md): a signal
 * the harness caught (Ctrl-C, SIGTERM), or a harness that died, found out afterwards from what
 * it last recorded (`cutover verify --record`).
 */
export interface InterruptionRecord {
  how: 'signal' | 'killed';
  /** The signal's name, when the harness caught it. */
  signal?: string;
  /** When the harness stopped: the signal's arrival, or the last thing a killed harness recorded. */
  at: string;
  /** The soak's requested duration; null when it had none (a rehearsal's soak runs until its steps end). */
  plannedDurationMs: number | null;
  /** How long the run (a soak: its load) actually ran. */
  actualDurationMs: number;
}

/** One step of a run, as DESIGN.md's `run.json` contract names its fields. */
export interface StepRecord {
  name: string;
  action: string;
  status: StepStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Measured client downtime in the step; null when nothing measured it. */
  downtimeMs: number | null;
  failedAttempts: number | null;
  /** Ledger figures; null until a soak with a ledger ran through the step. */
  lost: number | null;
  unexpected: number | null;
  duplicated: number | null;
  /** Writes acknowledged on blue that green lacked when writes resumed there, and that arrived later (switchovers only). */
  late?: number | null;
  /** Facts the action recorded: the switchover style, the lag reached, where its output is kept. */
  details?: Record<string, unknown>;
  /** Sub-phases (stop, start...) with their durations. */
  phases?: { name: string; startedAt: string; durationMs: number }[];
  /** Resolution of the downtime figure in milliseconds (the probe interval). */
  downtimeResolutionMs?: number;
  outages?: { start: string; end: string; durationMs: number; failedAttempts: number; errorClasses: Record<string, number> }[];
  /** Why the step failed (core/errors.ts `errorRecord`): the short message, and SQLSTATE, detail, hint or the tool's exit and stderr when the error has them. */
  error?: ErrorRecord;
}

/**
 * One data validation of a run (validate/): which servers it compared, at which moment of which
 * step, and its result. `at`: `switchover` (logical blue/green, writes stopped and green caught
 * up, before writes resume), `after-switchover`, `after-step` (dump/restore, pg_upgrade --copy:
 * blue against green once the step is done), `digests` (in-place upgrades: per-range digests
 * stored by the pre-checks against the same ranges recomputed by the post-checks).
 */
export interface DataValidationRecord {
  /** The step it belongs to (1-based, as steps are numbered); absent for a run-level comparison. */
  step?: number;
  /** Roles compared, e.g. `blue` and `green`. */
  source: string;
  target: string;
  at: 'switchover' | 'after-switchover' | 'after-step' | 'digests';
  result: ValidationResult;
}

/** The rollback matrix of a move off SQLite (validate/migration-checks.ts), measured by its `sqlite-migrate` step. */
export interface MigrationRecord {
  /** The step it belongs to (1-based). */
  step: number;
  /** What loaded the file: `builtin`, `pgloader 3.6.9`, `command`. */
  loader: string;
  result: MigrationResult;
}

/** The SQLite file a run moved off (blue), as run.json names it. */
export interface SourceRecord {
  engine: 'sqlite';
  /** Absolute path; a built-in sample's lies in the run directory. */
  file: string;
  sizeBytes: number;
  /** cutover's built-in sample, written by the run. */
  sample: boolean;
}

/** `run.json`: the manifest of one run directory. */
export interface RunManifest {
  kind: 'cutover.run';
  schemaVersion: 1;
  tool: { name: 'cutover'; version: string };
  name: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** `running` only while the run is under way (or if it died before finishing). */
  verdict: Verdict | 'interrupted' | 'running';
  /** Set with the verdict `interrupted`. */
  interrupted?: InterruptionRecord;
  method: string;
  /** The configuration and options of the run; secrets are never written. */
  config: Record<string, unknown>;
  /** Each role's server; a container's also names its image and the extensions the image offers (`name version`). */
  endpoints: Record<string, PublicEndpoint & { version?: string; image?: string; extensions?: string[] }>;
  steps: StepRecord[];
  files: Record<string, string>;
  /** The soak that ran through the steps: its setup, then its figures (load/soak-record.ts). */
  soak?: SoakRecord;
  /** A run of `cutover baseline`: its repeats (run/baseline-record.ts). */
  baseline?: BaselineRecord;
  /** A rehearsal's baselines: on blue before the steps, on green after them. */
  baselines?: RehearsalBaselines;
  /** The configuration's thresholds judged on this run's figures (k6's shape); any crossed fails the gate. */
  thresholds?: ThresholdResult[];
  /** Data validations of the run, in the order they ran (absent when the run validated no data). */
  data?: DataValidationRecord[];
  /** A move off SQLite: the file moved off. */
  source?: SourceRecord;
  /** A move off SQLite: its rollback matrix. */
  migration?: MigrationRecord;
  /** Data directories kept because a step failed (a failed rehearsal never destroys blue), by role. */
  keptData?: Record<string, string>;
  /** Why the run could not finish its plan (an error outside the steps), as `StepRecord.error`. */
  error?: ErrorRecord;
}
