import type { Endpoint } from '../core/endpoint.js';
import type { ScriptSpec } from '../load/pgbench/index.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import type { BaselineEngine, BaselineSide } from './baseline-record.js';

/** What a baseline runs: pgbench's scripts (built-in or files), or a cutover workload (either engine). */
export type BaselineLoad = { kind: 'scripts'; scripts: ScriptSpec[] } | { kind: 'workload'; workload: WorkloadDefinition; label: string };

/** A baseline's settings, validated (cli/baseline-plan.ts, a scenario's `baseline`). */
export interface BaselinePlan {
  engine: BaselineEngine;
  load: BaselineLoad;
  /** Transactions per second; null: as fast as it goes (`--max`, pgbench only). */
  rate: number | null;
  clients: number;
  /** Whole seconds (pgbench's `-T` counts seconds). */
  durationMs: number;
  warmupMs: number;
  /** Repeats per side. */
  repeat: number;
  /** pgbench's scale: its tables are (re)initialised at it when given, else initialised at 1 when missing. */
  scale?: number;
  /** The baseline's own schema; nothing outside it is written (a script file of the user's aside). */
  schema: string;
}

/** One server a baseline measures. */
export interface BaselineTarget {
  side: BaselineSide;
  endpoint: Endpoint;
}

/** Default schema of a baseline's tables (pgbench's and the workload's). */
export const BASELINE_SCHEMA = 'cutover_baseline';

/** Default clients: one per 250 transactions per second, between 4 and 32 (the Node driver's rule); 4 with --max. */
export function defaultClients(rate: number | null): number {
  return rate === null ? 4 : Math.min(32, Math.max(4, Math.ceil(rate / 250)));
}
