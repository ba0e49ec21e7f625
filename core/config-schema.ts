import { z } from 'zod';

const severity = z.enum(['info', 'warn', 'fail']);

const explainQuery = z
  .object({
    /** Name the baseline is known by in reports. */
    name: z.string().min(1),
    /** A SELECT (ANALYZE runs it, so only SELECT is accepted). */
    sql: z.string().min(1),
    /** Database to run in; default the endpoint's database. */
    database: z.string().optional(),
    analyze: z.boolean().default(false),
    buffers: z.boolean().default(false),
    /** Runs per suite; the median time is kept. */
    repeat: z.number().int().min(1).max(100).default(1),
  })
  .strict();

const expectation = z.union([
  z.literal('empty'),
  z.literal('nonEmpty'),
  z.object({ equals: z.unknown() }).strict(),
  z.object({ atMost: z.number() }).strict(),
]);

const customCheck = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lowercase letters, digits, ".", "_" or "-"'),
    sql: z.string().min(1),
    database: z.string().optional(),
    expect: expectation,
    severity: severity.default('fail'),
    description: z.string().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    checks: z
      .object({
        /** Check ids (or prefixes ending in `*`) to run; default all. */
        include: z.array(z.string()).optional(),
        exclude: z.array(z.string()).default([]),
        statementTimeoutMs: z.number().int().positive().default(30_000),
        lockTimeoutMs: z.number().int().positive().default(2_000),
        exactCounts: z
          .object({
            enabled: z.boolean().default(true),
            /** Concurrent `count(*)` queries. */
            concurrency: z.number().int().min(1).max(64).default(4),
            /** Tables with more estimated rows than this get an estimate only. */
            maxEstimatedRows: z.number().int().positive().default(10_000_000),
          })
          .strict()
          .default({ enabled: true, concurrency: 4, maxEstimatedRows: 10_000_000 }),
        /** Row-count drop (fraction of pre) that is a failure; any drop is at least a warning. */
        rowCountDropFail: z.number().min(0).max(1).default(0),
        /** Settings whose value is reported even at default, added to the built-in watch-list. */
        watchSettings: z.array(z.string()).default([]),
        longRunningSeconds: z.number().positive().default(300),
        replicationLagWarnBytes: z.number().int().nonnegative().default(16 * 1024 * 1024),
        /** The managed Blue/Green guardrail checks (`bluegreen.*`): `auto` runs them on RDS and Aurora only. */
        bluegreen: z.enum(['auto', 'on', 'off']).default('auto'),
      })
      .strict()
      .default({
        exclude: [],
        statementTimeoutMs: 30_000,
        lockTimeoutMs: 2_000,
        exactCounts: { enabled: true, concurrency: 4, maxEstimatedRows: 10_000_000 },
        rowCountDropFail: 0,
        watchSettings: [],
        longRunningSeconds: 300,
        replicationLagWarnBytes: 16 * 1024 * 1024,
        bluegreen: 'auto',
      }),
    upgrade: z
      .object({
        /** Target major for the pg_upgrade compatibility checks. */
        targetMajor: z.number().int().min(10).max(99).optional(),
      })
      .strict()
      .default({}),
    explain: z
      .object({
        queries: z.array(explainQuery).default([]),
        /** Post/pre ratio of total cost above which a finding is raised. */
        costRatio: z.number().positive().default(2),
        /** Post/pre ratio of execution time (ANALYZE) above which a finding is raised. */
        timeRatio: z.number().positive().default(2),
        /** Severity of a changed plan shape. */
        shapeChange: severity.default('warn'),
      })
      .strict()
      .default({ queries: [], costRatio: 2, timeRatio: 2, shapeChange: 'warn' }),
    custom: z.array(customCheck).default([]),
    gate: z
      .object({
        /** Finding severities that fail the gate. */
        failOn: z.array(severity).default(['fail']),
        /** Finding ids (exact, or prefixes ending in `*`) that never fail the gate. */
        allow: z.array(z.string()).default([]),
      })
      .strict()
      .default({ failOn: ['fail'], allow: [] }),
  })
  .strict();

/** The configuration as a user writes it (every field optional). */
export type UserConfig = z.input<typeof configSchema>;
/** The configuration after validation and defaults, frozen. */
export type ResolvedConfig = Readonly<z.output<typeof configSchema>>;
