import type { z } from 'zod';
import type { DataValidationRecord, MigrationRecord } from '../../run/manifest.js';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import type { Cluster, Topology } from '../topology/cluster.js';
import type { EndpointSwitch } from '../endpoint-switch/switch-types.js';
import type { ProviderSpec, Scenario } from '../scenario-types.js';
import type { SettingValue } from '../providers/local-server.js';
import type { ResolvedConfig } from '../../core/config.js';

/** How an action asks for a new server (the green of an upgrade), from the scenario's provider spec. */
export interface ProvisionOptions {
  /** Start it (default true). pg-upgrade wants an initialised, stopped cluster. */
  start?: boolean;
  /** A fixed port (pg-upgrade: blue's, so clients reconnect to the same address). */
  port?: number;
  initdbArgs?: string[];
  settings?: Record<string, SettingValue>;
  /**
   * The superuser's password (default random). A green that receives blue's roles (pg_upgrade,
   * pg_dumpall's globals) gets blue's password with them; cutover must know it to connect.
   */
  password?: string;
  /** A container's data volume (pg-upgrade between images: green starts on blue's volume). */
  volume?: string;
  /** A container's extra environment (its PGDATA on that volume). */
  env?: Record<string, string>;
}

/**
 * What an action sees while it runs as a step. The runner times the step, runs the soak through
 * it and records everything in `run.json`; the action does the work and marks its sub-phases.
 */
export interface ActionContext {
  /** The scenario being run (e.g. its `green` provider spec and `database`). */
  scenario: Scenario;
  /**
   * Provisions a server in a role from a provider spec and adds it to the topology (embedded or
   * bindir; external specs are connected to, never created). The run closes it at the end.
   */
  provision(role: string, spec: ProviderSpec, options?: ProvisionOptions): Promise<Cluster>;
  /** The servers by role; `topology.writer` says where the load's writes go now. */
  topology: Topology;
  /** The switchable endpoint the load connects to, when the run has one (local rehearsals). */
  endpointSwitch?: EndpointSwitch;
  /** The run directory; actions keep their artifacts under `steps/<index>-<action>/` (see `artifactDir`). */
  runDir: string;
  /** A directory of this step's own, created on first use, e.g. for pg_upgrade's output or a command's log. */
  artifactDir(): Promise<string>;
  /** Marks the start of a named sub-phase (`check`, `upgrade`, `analyze`, `catch-up`, `switchover`...). */
  phase(name: string): void;
  /** Adds a fact to the step's record (`details` in run.json): the style that ran, a lag reached, a path kept. */
  detail(key: string, value: unknown): void;
  /** Progress lines for the terminal. */
  log(line: string): void;
  /** Aborted on Ctrl-C: long waits must give up promptly. */
  signal: AbortSignal;
  /**
   * Tells the soak that the writes now go to another role (a switchover): the final writer the
   * ledger is verified on, and the role named in the report. Called by the action after it repointed.
   */
  writerMoved(role: string): void;
  /**
   * Records the ids of ledgered writes acknowledged before this moment that `cluster` does not have
   * yet (called by a switchover right when writes resume on green): those that arrive later count
   * as late, those that never arrive as lost. `previous` is the server the writes left (blue, its
   * clients stopped): naming it lets the ledger be read a moment later without counting writes
   * green acknowledged after the resume (see captureResumePoint).
   */
  markResume(cluster: Cluster, previous?: Cluster): Promise<void>;
  /**
   * Records a data validation the step ran (`data` in run.json; the runner adds the step's number).
   * Absent where no run collects them (an action run on its own in a test).
   */
  recordData?(record: Omit<DataValidationRecord, 'step'>): void;
  /** The run's checks configuration (a `check` step runs the suite with it); absent outside a run. */
  checks?: ResolvedConfig;
  /** The SQLite file a move off SQLite reads (blue), opened read-only; absent when blue is PostgreSQL. */
  source?: SqliteLocation;
  /** Records the rollback matrix a move off SQLite measured (`migration` in run.json; the runner adds the step's number). */
  recordMigration?(record: Omit<MigrationRecord, 'step'>): void;
}

/** One kind of step: validated parameters, then `run`. Throwing fails the step (the run stops cleanly). */
export interface ActionDefinition<P = unknown> {
  /** `minor-restart`, `pg-upgrade`, `dump-restore`, `logical-bluegreen`, `command`, `wait`. */
  name: string;
  /** One line for `--help` and docs. */
  summary: string;
  /** The step's parameters as a scenario file writes them (without `action` and `name`). */
  params: z.ZodType<P>;
  /** The step moves clients through the endpoint switch (a switchover): the runner puts one in front of a local blue. */
  usesEndpointSwitch?: boolean;
  /** Default step name shown in the step table, from its parameters. */
  title(params: P, topology: Topology): string;
  run(ctx: ActionContext, params: P): Promise<void>;
  /**
   * Rules that relate this step to the rest of the scenario (a target major against blue's, a
   * green that must exist), checked before any server starts: returns the problems, empty if none.
   */
  validate?(scenario: Scenario, params: P, plan: StepPlan): string[] | Promise<string[]>;
  /** The role the writes go to after this step (a switchover to green), so later steps are validated against it. */
  movesWriterTo?: string;
  /** As `movesWriterTo`, when the step's parameters name the role (a pg-upgrade hop's `role`); wins over it. */
  writerAfter?(params: P): string;
  /**
   * A server this step brings in a role of its own from its parameters (a pg-upgrade hop's `to`),
   * added to the plan so that later steps are validated against it.
   */
  addsServer?(params: P): { role: string; spec: ProviderSpec } | undefined;
}

/** What is known of a scenario's servers before anything starts, as a step's `validate` sees them. */
export interface StepPlan {
  /** The role the writes go to when this step starts: blue, or green after an earlier switchover. */
  writer: string;
  /** The major of a role's server when known up front (an embedded version, a bindir's postgres); absent for external servers. */
  majors: Readonly<Record<string, number | undefined>>;
  /** The provider spec of each role the scenario names (blue, green). */
  specs: Readonly<Record<string, ProviderSpec | undefined>>;
}

/** Declares an action with its parameters checked by zod (errors name the step and the field). */
export function defineAction<P>(definition: ActionDefinition<P>): ActionDefinition<P> {
  return definition;
}
