import { z } from 'zod';
import { CutoverError } from './errors.js';
import { THRESHOLD_METRICS, parseThreshold } from './threshold-expression.js';

/**
 * `thresholds`, in k6's shape: per figure, a list of expressions such as `'p(99)<50'`
 * (core/threshold-expression.ts); each is parsed here so that a typo fails the configuration.
 */
const thresholds = z
  .partialRecord(z.enum(THRESHOLD_METRICS), z.array(z.unknown()))
  .superRefine((value, ctx) => {
    for (const [metric, list] of Object.entries(value)) {
      list.forEach((text, i) => {
        try {
          parseThreshold(metric, text, `thresholds.${metric}[${i}]`);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: [metric, i], message: error instanceof CutoverError ? error.shortMessage.replace(/^thresholds\.\S+: /, '') : String(error) });
        }
      });
    }
  });

const severity = z.enum(['info', 'warn', 'fail']);

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration as a user writes it in a config file: milliseconds, or "500ms", "5s", "1m30s"; resolved to milliseconds. */
const duration = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    let ms = 0;
    for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * (DURATION_UNIT_MS[m[2] as string] ?? NaN);
    return ms;
  }
  ctx.addIssue({ code: 'custom', message: `expected milliseconds or a duration such as 500ms, 5s, 1m, got "${value}"` });
  return z.NEVER;
});

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
        /** pg_tviews: `refresh` runs pg_tviews_refresh() of every TVIEW in a transaction rolled back (it writes and locks: off by default). */
        pgTviews: z.object({ refresh: z.boolean().default(false) }).strict().default({ refresh: false }),
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
        pgTviews: { refresh: false },
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
        /** Post/pre ratio of the estimated total cost above which an `info` finding is raised (estimates are never judged). */
        costRatio: z.number().positive().default(2),
        /** Post/pre ratio of the median execution time (ANALYZE) above which, beyond the noise of the repeats, a warning is raised. */
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
        /**
         * Most client downtime the run may have (milliseconds, or a duration such as "5s"); above it
         * the gate fails. No limit by default; the downtime is always shown.
         */
        maxDowntime: duration.optional(),
        /**
         * Floor of the soak's success ratio outside outages (0 to 1); below it the run has no evidence
         * to pass on and ends `error`.
         */
        minSuccessRatio: z.number().min(0).max(1).default(0.99),
      })
      .strict()
      .default({ failOn: ['fail'], allow: [], minSuccessRatio: 0.99 }),
    /**
     * Thresholds as k6 writes them, per figure: `latency` (ms: p(N), avg, med, min, max), `errors`
     * (rate, count), `tps` (value), and for comparisons `latency_change` (p(N) in %) and
     * `tps_change` (value in %). Crossing one fails the gate (exit 1). docs/k6-users.md.
     */
    thresholds: thresholds.optional(),
  })
  .strict();

/** The configuration as a user writes it (every field optional). */
export type UserConfig = z.input<typeof configSchema>;
/** The configuration after validation and defaults, frozen. */
export type ResolvedConfig = Readonly<z.output<typeof configSchema>>;
