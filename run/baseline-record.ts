/**
 * A performance baseline (`cutover baseline`, a scenario's `baseline` section): one workload run
 * K times on one server (or alternately on two, A and B) by pgbench or the Node driver, each
 * repeat in steady state. It is what `cutover compare` resamples to say whether a difference
 * between two baselines is larger than the noise between repeats.
 *
 * In a run directory: `run.json` carries `baseline` (this record) for a run of `cutover baseline`,
 * or `baselines` (`{ blue, green }`) for a rehearsal that measured before and after its steps.
 * Each repeat's seconds are in its own timeline file (the soak's timeline format,
 * load/timeline-types.ts: one HDR latency histogram per second), named by `timeline`. A repeat's
 * timeline holds its steady seconds only, from second 0: its warm-up (`warmupMs`) is run but left
 * out of the file and the figures, so readers take every second of it as it is. Timeline
 * operations (`ops`) are pgbench's scripts or the workload's operations.
 */

/** What ran the workload. */
export type BaselineEngine = 'pgbench' | 'node';

/** Which side of a comparison a repeat measured (`a` alone for a one-server baseline). */
export type BaselineSide = 'a' | 'b';

/** Latency (or schedule lag) percentiles of a repeat, in milliseconds. */
export interface BaselinePercentilesMs {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One repeat: one uninterrupted run of the workload on one server. */
export interface BaselineRepeat {
  /** 1-based, in the order the repeats ran (A and B interleaved: a1, b1, a2, b2, …). */
  index: number;
  side: BaselineSide;
  /** The server measured, as printed (never a password). */
  server: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Transactions that completed without an error. */
  transactions: number;
  /** Failed transactions (pgbench's failures, the driver's errors). */
  errors: number;
  /** Clients pgbench aborted (a lost connection): any makes the repeat invalid. */
  abortedClients: number;
  /** Successful transactions per second over the repeat's steady seconds. */
  tps: number;
  latencyMs: BaselinePercentilesMs;
  /** Schedule lag (`--rate` only): start time minus the scheduled time. */
  lagMs?: BaselinePercentilesMs;
  /** A repeat with errors, aborted clients or no transaction is invalid, never averaged in. */
  valid: boolean;
  invalidReason?: string;
  /** The repeat's timeline, relative to the run directory (e.g. `baseline/a-1.timeline.ndjson`). */
  timeline: string;
}

/** A baseline: how it ran, and its repeats. */
export interface BaselineRecord {
  engine: BaselineEngine;
  /** A built-in workload (`notifications`, …), `builtin:tpcb-like` (pgbench's own), or a script file's name. */
  workload: string;
  /** pgbench scripts run (built-in names or files), when the engine is pgbench. */
  scripts?: string[];
  /** Transactions per second asked for (`--rate`); null with `--max` (as fast as it goes). */
  rate: number | null;
  clients: number;
  /** Duration of each repeat, ms. */
  durationMs: number;
  /** Seconds at the start of each repeat left out of the figures (warm-up). */
  warmupMs: number;
  /** Repeats per side. */
  repeat: number;
  /** pgbench's version (`pgbench --version`) when it ran. */
  engineVersion?: string;
  /** The schema the baseline's own tables live in (never the user's tables). */
  schema?: string;
  /** pgbench's scale when it initialised its tables. */
  scale?: number;
  repeats: BaselineRepeat[];
  /** False when any repeat is invalid: the baseline says so rather than averaging it in. */
  valid: boolean;
  invalidReason?: string;
}

/** Baselines of a rehearsal: on blue before its steps, on green after them. */
export interface RehearsalBaselines {
  blue?: BaselineRecord;
  green?: BaselineRecord;
}

/**
 * A repeat's name as the terminal printed it while it ran: its side and its place among that
 * side's repeats (`a1`, `b1`, `a2`, …), not its place in the whole run (`index`).
 */
export function repeatName(repeats: readonly BaselineRepeat[], r: BaselineRepeat): string {
  return `${r.side}${repeats.filter((x) => x.side === r.side && x.index <= r.index).length}`;
}
