import { errorLine } from '../core/errors.js';
import type { Session } from '../core/session.js';
import { defineCheck } from './define-check.js';
import { type ExplainBaseline, explainBaseline } from './explain-query.js';
import { compareBaselines, evaluateBaselines } from './explain-compare.js';

export interface ExplainBaselinesData {
  baselines: ExplainBaseline[];
}

/**
 * EXPLAIN baselines of the queries named in `explain.queries`: plan shape, cost, and with ANALYZE
 * the median time and buffers. Only single SELECTs are run, in a read-only session.
 */
export const explainBaselines = defineCheck<ExplainBaselinesData>({
  id: 'explain.baselines',
  title: 'EXPLAIN baselines',
  doc: {
    collects: 'for each configured query (`explain.queries`): its EXPLAIN plan (and EXPLAIN ANALYZE timings where allowed), as a plan shape',
    evaluates: 'queries that were refused (not read-only) or failed',
    compares: "each query's plan shape, estimated cost and time between pre and post",
    findings: {
      shape: { severity: 'varies', meaning: 'the plan shape changed (severity from `explain.shapeChange`)' },
      cost: { severity: 'info', meaning: 'the estimated cost changed beyond the threshold' },
      time: { severity: 'warn', meaning: 'the execution time grew beyond the threshold' },
      rejected: { severity: 'fail', meaning: 'the query was refused (it would write)' },
      error: { severity: 'varies', meaning: 'the query failed' },
    },
  },
  async collect(ctx) {
    const queries = ctx.config.explain.queries;
    if (queries.length === 0) return ctx.skip('no queries configured (explain.queries)');
    const baselines: ExplainBaseline[] = [];
    for (const q of queries) {
      const database = q.database ?? ctx.db.endpoint.database;
      const request = { name: q.name, sql: q.sql, database, analyze: q.analyze, buffers: q.buffers, repeat: q.repeat };
      let session: Session;
      try {
        session = database === ctx.db.endpoint.database ? ctx.db : await ctx.connect(database);
      } catch (error) {
        const message = errorLine(error) || 'cannot connect';
        const { repeat: _repeat, ...base } = request;
        baselines.push({ ...base, status: 'error', error: { message }, runs: 0 });
        continue;
      }
      baselines.push(await explainBaseline(session, request));
    }
    return { baselines };
  },
  evaluate: (data) => evaluateBaselines(data.baselines),
  compare: (pre, post, ctx) => compareBaselines(pre.baselines, post.baselines, ctx.config),
});
