import { errorRecord, type ErrorRecord } from '../core/errors.js';
import type { Session } from '../core/session.js';
import { checkSelectOnly } from './select-only.js';
import { type JsonPlanNode, type PlanShapeNode, planShape } from './plan-shape.js';

/** Block counts of the plan's top node (EXPLAIN BUFFERS), summed over the whole plan by PostgreSQL. */
export interface PlanBuffers {
  sharedHit: number;
  sharedRead: number;
  sharedDirtied: number;
  sharedWritten: number;
  tempRead: number;
  tempWritten: number;
}

/** One named baseline in a snapshot: the plan kept (that of the median run) and its figures. */
export interface ExplainBaseline {
  name: string;
  database: string;
  sql: string;
  analyze: boolean;
  buffers: boolean;
  /** `rejected`: not a single SELECT, never sent; `error`: EXPLAIN failed (the error says why). */
  status: 'ok' | 'rejected' | 'error';
  reason?: string;
  /** Why EXPLAIN failed: the short message, with the full one, SQLSTATE, detail and hint when the error has them. */
  error?: ErrorRecord;
  /** Runs that completed. */
  runs: number;
  shape?: PlanShapeNode;
  /** Planner's total cost estimate of the kept plan (arbitrary units). */
  totalCost?: number;
  /** Milliseconds, of the kept run. */
  planningTimeMs?: number;
  /** Milliseconds, the median of the runs (ANALYZE only). */
  executionTimeMs?: number;
  /** Milliseconds, fastest and slowest run (ANALYZE only). */
  executionTimeRangeMs?: [number, number];
  /**
   * Milliseconds, every measured run, fastest first (ANALYZE only): what the noise margin of a
   * comparison is derived from. Absent from snapshots of older versions, which kept the range only.
   */
  executionTimesMs?: number[];
  /** Blocks (of block_size, 8 kB by default), with ANALYZE and BUFFERS only. */
  bufferBlocks?: PlanBuffers;
}

export interface ExplainRequest {
  name: string;
  sql: string;
  database: string;
  analyze: boolean;
  buffers: boolean;
  repeat: number;
}

interface ExplainOutput {
  Plan: JsonPlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

/**
 * Explains one baseline `repeat` times and keeps the run of median time (execution time with
 * ANALYZE, planning time without). With ANALYZE one unmeasured run comes first, so that the
 * measured ones do not include reading a freshly started or upgraded server's cold cache.
 * A statement that is not a single SELECT is never sent; each EXPLAIN runs in a READ ONLY
 * transaction that is rolled back, so ANALYZE (which executes the query) can never leave a write
 * behind even where the session's read-only default was changed; a failing EXPLAIN (a write
 * refused is SQLSTATE 25006) is recorded.
 */
export async function explainBaseline(session: Session, request: ExplainRequest): Promise<ExplainBaseline> {
  const base = {
    name: request.name,
    database: request.database,
    sql: request.sql,
    analyze: request.analyze,
    buffers: request.buffers,
  };
  const verdict = checkSelectOnly(request.sql);
  if (!verdict.ok) return { ...base, status: 'rejected', reason: verdict.reason, runs: 0 };

  // BUFFERS without ANALYZE is accepted from 13 on (planning buffers only).
  const withBuffers = request.buffers && (request.analyze || session.serverVersionNum >= 130000);
  const options = ['FORMAT JSON', request.analyze ? 'ANALYZE' : '', withBuffers ? 'BUFFERS' : '', 'SUMMARY'].filter(Boolean);
  const statement = `EXPLAIN (${options.join(', ')}) ${verdict.sql}`;
  const outputs: ExplainOutput[] = [];
  const warmup = request.analyze ? 1 : 0;
  for (let run = 0; run < request.repeat + warmup; run++) {
    try {
      const output = await explainReadOnly(session, statement);
      if (run >= warmup) outputs.push(output);
    } catch (error) {
      return {
        ...base,
        status: 'error',
        error: errorRecord(error),
        runs: outputs.length,
      };
    }
  }
  const timeOf = (o: ExplainOutput) => (request.analyze ? o['Execution Time'] : o['Planning Time']) ?? 0;
  const sorted = [...outputs].sort((a, b) => timeOf(a) - timeOf(b));
  // The lower median for an even count, so that the kept plan is one that actually ran.
  const kept = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!kept) return { ...base, status: 'error', error: { message: 'EXPLAIN returned no plan' }, runs: 0 };
  const result: ExplainBaseline = {
    ...base,
    status: 'ok',
    runs: outputs.length,
    shape: planShape(kept.Plan),
    totalCost: numberOf(kept.Plan['Total Cost']),
  };
  if (kept['Planning Time'] !== undefined) result.planningTimeMs = kept['Planning Time'];
  if (request.analyze) {
    result.executionTimeMs = timeOf(kept);
    result.executionTimeRangeMs = [timeOf(sorted[0] ?? kept), timeOf(sorted[sorted.length - 1] ?? kept)];
    result.executionTimesMs = sorted.map(timeOf);
    if (withBuffers) result.bufferBlocks = buffersOf(kept.Plan);
  }
  return result;
}

/** One EXPLAIN inside a READ ONLY transaction that is always rolled back. */
async function explainReadOnly(session: Session, statement: string): Promise<ExplainOutput> {
  await session.query('BEGIN TRANSACTION READ ONLY');
  try {
    const [row] = await session.query<{ 'QUERY PLAN': unknown }>(statement);
    return parseOutput(row?.['QUERY PLAN']);
  } finally {
    // After an error the transaction is aborted and ROLLBACK ends it just the same; a ROLLBACK
    // that fails means the connection is gone, which the EXPLAIN's own error already says.
    await session.query('ROLLBACK').catch(() => undefined);
  }
}

function parseOutput(value: unknown): ExplainOutput {
  // node-postgres parses json columns; a driver that does not hands over the text.
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const first = Array.isArray(parsed) ? (parsed[0] as unknown) : undefined;
  if (typeof first !== 'object' || first === null || typeof (first as ExplainOutput).Plan !== 'object') {
    throw new Error('EXPLAIN (FORMAT JSON) returned an unexpected document');
  }
  return first as ExplainOutput;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function buffersOf(plan: JsonPlanNode): PlanBuffers {
  const n = (key: string) => numberOf(plan[key]) ?? 0;
  return {
    sharedHit: n('Shared Hit Blocks'),
    sharedRead: n('Shared Read Blocks'),
    sharedDirtied: n('Shared Dirtied Blocks'),
    sharedWritten: n('Shared Written Blocks'),
    tempRead: n('Temp Read Blocks'),
    tempWritten: n('Temp Written Blocks'),
  };
}
