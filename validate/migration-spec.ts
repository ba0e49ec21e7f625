import { z } from 'zod';
import { checkSelectOnly } from '../checks/select-only.js';

/** The runbook's thresholds, used where a spec leaves them out. */
export const MIGRATION_DEFAULTS = {
  /** Row-count mismatch (% of the SQLite count) above which a table fails; any mismatch up to it warns. */
  rowCountFailAbovePct: 1,
  /** How much slower (%) PostgreSQL's median may be than SQLite's before a query fails. */
  latencyFailAbovePct: 50,
  /**
   * Milliseconds PostgreSQL may be slower whatever the percentage: an in-process SQLite answers a
   * point query in microseconds, a server over a socket never does, and 50% of 20 µs is no
   * regression a user feels.
   */
  latencyMinDifferenceMs: 1,
  /** Timed runs of each query on each side, after one warm-up run. */
  runs: 5,
  /** Ids compared at the top of a search's results. */
  k: 10,
} as const;

/** A query name as it appears in finding ids (`migration/query/<name>/latency`). */
const queryName = z.string().regex(/^[^\s/]+$/, 'expected a name without spaces or "/" (it is part of a finding id)');

/** A SELECT (or WITH … SELECT) only: the migration checks read, they never write. */
const selectOnly = (engine: string) =>
  z.string().superRefine((sql, ctx) => {
    const verdict = checkSelectOnly(sql);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: `expected a single SELECT (or WITH … SELECT) for ${engine}: ${verdict.reason}` });
  });

const timedQuery = z.strictObject({
  /** Names the query in findings and reports. */
  name: queryName,
  /** The query as the application runs it on SQLite. */
  sqlite: selectOnly('SQLite'),
  /** The same query as it runs on PostgreSQL. */
  postgres: selectOnly('PostgreSQL'),
});

const searchQuery = z.strictObject({
  ...timedQuery.shape,
  /** The first k ids of each side are compared position by position. */
  k: z.number().int().min(1, 'expected k of at least 1').default(MIGRATION_DEFAULTS.k),
});

/** Names must be unique: each names one finding. */
function uniqueNames(list: readonly { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((q, i) => {
    if (seen.has(q.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${q.name}": each query names its own finding` });
    seen.add(q.name);
  });
}

/**
 * What the SQLite → PostgreSQL rollback matrix measures and where it draws its lines, as a
 * scenario or config file writes it (`migration: {}` takes the runbook's defaults). The
 * thresholds of a part left out are MIGRATION_DEFAULTS'.
 */
export const migrationSpecSchema = z.strictObject({
  rowCount: z
    .strictObject({
      /** Mismatch (% of the SQLite rows) above which a table fails; up to it, any mismatch warns. */
      failAbovePct: z.number().min(0, 'expected a percentage of 0 or more').default(MIGRATION_DEFAULTS.rowCountFailAbovePct),
    })
    .optional(),
  latency: z
    .strictObject({
      /** How much slower (%) PostgreSQL's median may be than SQLite's. */
      failAbovePct: z.number().min(0, 'expected a percentage of 0 or more').default(MIGRATION_DEFAULTS.latencyFailAbovePct),
      /** Milliseconds PostgreSQL may be slower whatever the percentage (the limit is the larger of the two). */
      minDifferenceMs: z.number().min(0, 'expected milliseconds, 0 or more').default(MIGRATION_DEFAULTS.latencyMinDifferenceMs),
      /** Timed runs per query and side, after one warm-up run. */
      runs: z.number().int().min(1, 'expected at least 1 run').max(1000, 'expected at most 1000 runs').default(MIGRATION_DEFAULTS.runs),
    })
    .optional(),
  /** `table.column` that must hold no NULL on the target, beyond the columns SQLite declares NOT NULL (always required). */
  required: z.array(z.string().regex(/^[^.]+\.[^.]+$/, 'expected TABLE.COLUMN')).optional(),
  /** Queries timed on both sides. */
  queries: z.array(timedQuery).superRefine(uniqueNames).optional(),
  /** Searches whose results are compared: each returns ids in rank order in its first column. */
  search: z.array(searchQuery).superRefine(uniqueNames).optional(),
});

/** A migration spec as written (thresholds optional). */
export type MigrationSpecInput = z.input<typeof migrationSpecSchema>;
/** A migration spec after parsing: the thresholds of each part given are filled in. */
export type MigrationSpec = z.output<typeof migrationSpecSchema>;

/** The thresholds a spec decides with, the runbook's where it leaves them out. */
export interface MigrationThresholds {
  rowCountFailAbovePct: number;
  latencyFailAbovePct: number;
  latencyMinDifferenceMs: number;
  runs: number;
}

/** The thresholds of a spec, with MIGRATION_DEFAULTS for the parts it leaves out. */
export function migrationThresholds(spec: MigrationSpec): MigrationThresholds {
  return {
    rowCountFailAbovePct: spec.rowCount?.failAbovePct ?? MIGRATION_DEFAULTS.rowCountFailAbovePct,
    latencyFailAbovePct: spec.latency?.failAbovePct ?? MIGRATION_DEFAULTS.latencyFailAbovePct,
    latencyMinDifferenceMs: spec.latency?.minDifferenceMs ?? MIGRATION_DEFAULTS.latencyMinDifferenceMs,
    runs: spec.latency?.runs ?? MIGRATION_DEFAULTS.runs,
  };
}
