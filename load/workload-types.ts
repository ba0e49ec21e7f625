import type { Session } from '../core/session.js';

/**
 * A driver-neutral soak workload: the DDL of its own tables (always in its own schema) and
 * weighted operations. One operation kind is ledgered: a write whose id the harness chooses.
 */
export interface WorkloadDefinition {
  /** Stable name, e.g. `notifications`. */
  name: string;
  description: string;
  /** Statements creating the workload's tables in `schema` (idempotent: IF NOT EXISTS). */
  ddl(schema: string): string[];
  /** Operations with relative weights; the ledgered insert is one of them. */
  operations: OperationDefinition[];
  /** Optional readiness test, e.g. pgvector must be installed for vector operations. */
  available?(db: Session): Promise<true | string>;
}

export interface OperationDefinition {
  /** Name shown in the timeline and reports, e.g. `insert-event`. */
  name: string;
  /** Relative weight among the workload's operations. */
  weight: number;
  /**
   * `ledgered`: a write whose id (`$1`, int8) the harness chooses and later verifies.
   * `plain`: counts toward latency and errors only.
   */
  kind: 'ledgered' | 'plain';
  /** SQL with `$n` parameters; `{schema}` is replaced by the quoted schema name. */
  sql: string;
  /**
   * Parameters for one attempt. For a ledgered operation the first parameter is the id, which
   * the driver passes in; the generator returns the rest.
   */
  params?(ctx: ParamContext): unknown[];
  /**
   * The same parameters in pgbench's terms, so that the workload compiles to a pgbench script
   * (`cutover baseline --engine pgbench`): one entry per value `params()` returns, each a pgbench
   * expression (`random(1, 1000)`; variables `:id`, `:recent`, `:oldest_recent`, `:client_id`) or
   * `{ sql }`, SQL put in the parameter's place. Needed only when the operation has parameters.
   */
  pgbench?: PgbenchParam[];
}

/** One parameter of an operation under pgbench: a pgbench expression, or SQL in the parameter's place. */
export type PgbenchParam = string | { sql: string };

export interface ParamContext {
  /** The ledger id of this attempt (ledgered operations), as a decimal string for int8. */
  id?: string;
  /** A deterministic pseudo-random number in [0, 1) for this attempt. */
  random(): number;
  /** Ids of recent acknowledged ledgered writes of this writer, for follow-up updates/reads. */
  recentIds(): readonly string[];
}

/** Declares a workload. Users add their own in the config; built-ins live in load/workloads/. */
export function defineWorkload(definition: WorkloadDefinition): WorkloadDefinition {
  return definition;
}
