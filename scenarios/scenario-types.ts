import { z } from 'zod';
import type { UserConfig } from '../core/config.js';
import { awsSchema } from './aws/aws-config.js';
import { parseTablePattern } from '../validate/table-patterns.js';
import { migrationSpecSchema } from '../validate/migration-spec.js';
import { durationParam } from './actions/duration-param.js';

/** Where a role's server comes from. `version` of embedded: `15`, `16.4`, `16`, `17` (npm packages). */
export const providerSpecSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('embedded'), version: z.string().min(1) }).strict(),
  /** Any local installation: a bindir with initdb, pg_ctl, postgres (and pg_dump, pg_upgrade for those actions). */
  z.object({ provider: z.literal('bindir'), bindir: z.string().min(1) }).strict(),
  /** Nothing provisioned: a URL (libpq rules; the password may come from PGPASSWORD or ~/.pgpass). */
  z.object({ provider: z.literal('external'), url: z.string().min(1) }).strict(),
  /**
   * A container of any image following the official postgres image's conventions (`postgres:16.4`,
   * `pgvector/pgvector:pg17`, a team's own), on a Docker engine, through testcontainers.
   */
  z
    .object({
      provider: z.literal('container'),
      image: z.string().min(1),
      /** Extra environment (`POSTGRES_USER`, `POSTGRES_INITDB_ARGS`, `PGDATA`...); POSTGRES_PASSWORD is cutover's. */
      env: z.record(z.string(), z.string()).optional(),
      /** The container's command (default `postgres`); cutover appends its port and settings as `-c` options. */
      command: z.array(z.string().min(1)).min(1).optional(),
      /** A Docker volume of yours for the data (kept after the run); default one of cutover's own, removed unless the run fails. */
      volume: z.string().min(1).optional(),
    })
    .strict(),
  /**
   * A Patroni cluster on loopback (Patroni's built-in Raft store, no etcd): `nodes` members, each a
   * PostgreSQL from `bindir` (a full installation: pg_basebackup and pg_rewind too); the first is
   * the leader at the start and plays the role, the others `<role>-2`, `<role>-3`… (docs/patroni.md).
   */
  z
    .object({
      provider: z.literal('patroni'),
      bindir: z.string().min(1),
      nodes: z.number().int().min(2).max(5).default(3),
      /** The `patroni` executable; default CUTOVER_PATRONI, then the one scripts/patroni.sh installs, then PATH. */
      patroni: z.string().min(1).optional(),
    })
    .strict(),
]);
export type ProviderSpec = z.infer<typeof providerSpecSchema>;

/**
 * A SQLite file as blue (an application moving off SQLite): never provisioned, opened read-only.
 * `file` is its path (relative to the working directory); without it, cutover's built-in sample
 * (`sample.resources` rows of resources, default 5,000) is written into the run directory.
 */
export const sqliteSourceSchema = z
  .object({
    provider: z.literal('sqlite'),
    file: z.string().min(1).optional(),
    sample: z.object({ resources: z.number().int().positive().max(10_000_000).default(5_000) }).strict().optional(),
  })
  .strict();
export type SqliteSourceSpec = z.infer<typeof sqliteSourceSchema>;

/** Blue: a PostgreSQL server (provisioned or external), or a SQLite file an application moves off. */
export const blueSpecSchema = z.discriminatedUnion('provider', [...providerSpecSchema.options, sqliteSourceSchema]);
export type BlueSpec = z.infer<typeof blueSpecSchema>;

/** One step as a scenario file writes it: `{ action: 'pg-upgrade', mode: 'link' }`; the action checks the rest. */
export const stepSpecSchema = z
  .object({
    action: z.string().min(1),
    /** Shown in the step table; default from the action. */
    name: z.string().min(1).optional(),
  })
  .passthrough();
export type StepSpec = z.infer<typeof stepSpecSchema>;

/**
 * Data validation in a rehearsal (validate/): `true`/`false`, or what to compare and when. Default
 * on for `logical-bluegreen`, `dump-restore` and `pg-upgrade` with `mode: copy`, off otherwise.
 */
const tablePattern = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    try {
      parseTablePattern(text, 'pattern');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  });

export const dataSpecSchema = z.union([
  z.boolean(),
  z
    .object({
      /** On or off; default the action's (see above). */
      enabled: z.boolean().optional(),
      /** Tables compared (`schema.table` or `table`, `*` and `?` wildcards); default every user table. */
      tables: z.array(tablePattern).optional(),
      /** Tables not compared (same patterns). The soak's schema `cutover` never is. */
      exclude: z.array(tablePattern).optional(),
      /** Logical blue/green: at the `switchover` (writes stopped, green caught up; default) or just `after-switchover`. */
      when: z.enum(['switchover', 'after-switchover']).default('switchover'),
      /** In-place upgrades: rows per stored digest bucket (default 10,000): smaller localises a difference more finely, at a larger snapshot. */
      rowsPerBucket: z.number().int().positive().optional(),
      /** Tables without a key whose rows are matched by these columns (`TABLE: [COLUMN, …]`, TABLE as in `tables`), as `cutover validate --group-by`. */
      groupBy: z.record(tablePattern, z.array(z.string().min(1)).min(1)).optional(),
      /** Sessions per side sharing its snapshot, between which large tables' scans are split (default 2), as `cutover validate --jobs`. */
      jobs: z.number().int().min(1).max(32).optional(),
    })
    .strict(),
]);
export type DataSpec = z.output<typeof dataSpecSchema>;

export const scenarioSchema = z
  .object({
    name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore'),
    /** The server being upgraded, or the SQLite file an application moves off (then `green` is the PostgreSQL it moves to). */
    blue: blueSpecSchema,
    /**
     * Streaming standbys of blue (embedded or bindir), in roles `replica-1`, `replica-2`...: each a
     * base backup of blue with a physical slot; `sync: true` makes it a synchronous standby
     * (`synchronous_standby_names`, the first one streaming). With replicas the soak connects
     * through a multi-host string (every server, `target_session_attrs=read-write`): docs/high-availability.md.
     */
    replicas: z.array(z.object({ sync: z.boolean().default(false).describe('A synchronous standby: commits wait for its flush.') }).strict()).min(1).max(4).optional(),
    /** The new server of a blue/green or dump/restore; absent for in-place methods. */
    green: providerSpecSchema
      .refine((spec) => spec.provider !== 'patroni', { message: 'provider "patroni" is for blue (the cluster being rehearsed; its members become the run\'s roles), not for green' })
      .optional(),
    /** The database the dataset, checks and soak use. Default `app` (created on provisioned servers). */
    database: z.string().min(1).default('app'),
    /** Seeded on provisioned blue servers; `false` for none (external servers are never seeded). */
    dataset: z.union([z.object({ name: z.literal('notifications'), scale: z.number().positive().max(10_000).default(1) }).strict(), z.literal(false)]).default({ name: 'notifications', scale: 1 }),
    /** The soak that runs through the steps; `false` for none. */
    soak: z
      .union([
        z
          .object({
            rate: z.number().positive().max(100_000).default(50),
            workload: z.string().min(1).default('notifications'),
            driver: z.enum(['node']).default('node'),
            /**
             * Longest wait, after each step, for clients to work again before the next step starts
             * (default 30s): the step's row ends when the soak serves again, or at this deadline.
             */
            recoveryTimeout: durationParam({ minMs: 100, maxMs: 3_600_000 }).default(30_000),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ rate: 50, workload: 'notifications', driver: 'node', recoveryTimeout: 30_000 }),
    /**
     * Performance baselines (docs/baseline.md): the workload measured on blue before the steps and
     * on the final writer (green) after them, with pgbench or the Node driver, in a schema of its
     * own that is dropped after each baseline; run.json `baselines`, and the report shows both.
     */
    baseline: z
      .object({
        engine: z.enum(['pgbench', 'node']).default('pgbench'),
        /** A cutover workload (default `notifications`), or pgbench's scripts (`pgbench`). */
        workload: z.string().min(1).optional(),
        /** pgbench's scripts instead of a workload: `builtin:tpcb-like`, `builtin:select-only@9`, `FILE.sql`. */
        pgbench: z.array(z.string().min(1)).min(1).optional(),
        /** Transactions per second; without it, as fast as it goes (pgbench only). */
        rate: z.number().positive().max(1_000_000).optional(),
        clients: z.number().int().positive().max(1_000).optional(),
        /** Steady time of each repeat, whole seconds (default 10s). */
        duration: durationParam({ minMs: 1_000, maxMs: 24 * 3_600_000 }).default(10_000),
        /** Run before each repeat's steady seconds, left out of its figures (default 1s). */
        warmup: durationParam({ minMs: 0, maxMs: 3_600_000 }).default(1_000),
        repeat: z.number().int().min(1).max(1_000).default(3),
        /** pgbench's scale for its built-in scripts' tables (default 1). */
        scale: z.number().int().positive().max(100_000).optional(),
        /** The pgbench program or its directory (default: a provisioned server's bindir, PATH, the lab's). */
        pgbenchBin: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** The switchable endpoint in front of the writer (local rehearsals): `hard` cut (TCP proxy) or `pause` (PgBouncer). */
    switchover: z.enum(['hard', 'pause']).default('hard'),
    /** Configuration of the checks and gates (as in cutover.config.*). */
    config: z.custom<UserConfig>((v) => typeof v === 'object' && v !== null).optional(),
    /** CloudWatch: the RDS/Aurora resources whose metrics join the report, and publishing the soak (docs/cloudwatch.md). */
    aws: awsSchema.optional(),
    /** A move off SQLite: the rollback matrix's thresholds, required columns, timed queries and searches (validate/migration-spec.ts). */
    migration: migrationSpecSchema.optional(),
    /** Data validation of the steps (rows compared, blue against green, or digests around an in-place upgrade): docs/scenarios.md. */
    data: dataSpecSchema.optional(),
    steps: z.array(stepSpecSchema).min(1),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

/** A scenario whose blue is a SQLite file: it migrates, it does not upgrade. */
export function sqliteBlue(scenario: Pick<Scenario, 'blue'>): SqliteSourceSpec | undefined {
  return scenario.blue.provider === 'sqlite' ? scenario.blue : undefined;
}

/** Declares a scenario in a `*.scenario.ts` file (default export), typed. */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}
