import { errorRecord, type ErrorRecord } from '../core/errors.js';
import type { Session } from '../core/session.js';
import type { FindingInput, Severity } from './finding.js';
import { defineCheck } from './define-check.js';
import { checkSelectOnly } from './select-only.js';
import { type Expectation, checkExpectation, compactJson, jsonSafe } from './custom-expectation.js';

/** Rows kept per custom check: enough for a sample and for `equals` on small results. */
export const MAX_STORED_ROWS = 100;

/** One custom check's run, as stored in the snapshot. */
export interface CustomSqlResult {
  id: string;
  database: string;
  description?: string;
  sql: string;
  expect: Expectation;
  severity: Severity;
  /** `rejected`: not a single SELECT, never sent; `error`: the query failed. */
  status: 'ok' | 'rejected' | 'error';
  reason?: string;
  /** Why the query failed: the short message, with the full one, SQLSTATE, detail and hint when the error has them. */
  error?: ErrorRecord;
  rowCount?: number;
  rows?: Record<string, unknown>[];
  truncated?: boolean;
}

export interface CustomSqlData {
  results: CustomSqlResult[];
}

async function runOne(session: Session, base: Omit<CustomSqlResult, 'status'>): Promise<CustomSqlResult> {
  const verdict = checkSelectOnly(base.sql);
  if (!verdict.ok) return { ...base, status: 'rejected', reason: verdict.reason };
  try {
    const rows = await session.query(verdict.sql);
    return {
      ...base,
      status: 'ok',
      rowCount: rows.length,
      rows: rows.slice(0, MAX_STORED_ROWS).map((r) => jsonSafe(r) as Record<string, unknown>),
      truncated: rows.length > MAX_STORED_ROWS,
    };
  } catch (error) {
    return { ...base, status: 'error', error: errorRecord(error) };
  }
}

function findingFor(r: CustomSqlResult): FindingInput | undefined {
  const what = r.description ?? r.id;
  const details = { database: r.database, sql: r.sql, expect: r.expect };
  if (r.status !== 'ok') {
    const why = r.status === 'rejected' ? `not run: ${r.reason ?? ''}` : `failed: ${r.error?.message ?? ''}`;
    return { key: r.id, severity: r.severity, message: `${what}: ${why}`, object: r.id, details: { ...details, error: r.error } };
  }
  const outcome = checkExpectation(r.expect, { rowCount: r.rowCount ?? 0, rows: r.rows ?? [], truncated: r.truncated ?? false });
  if (outcome.met) return undefined;
  const sample = (r.rows ?? []).slice(0, 3);
  return {
    key: r.id,
    severity: r.severity,
    message: `${what}: expected ${describeExpectation(r.expect)}, got ${outcome.got}${sample.length ? `; sample: ${compactJson(sample, 160)}` : ''}`,
    object: r.id,
    details: { ...details, rowCount: r.rowCount, sample },
  };
}

/** `no rows`, `at most 3`, `= 42`. */
export function describeExpectation(expect: Expectation): string {
  if (expect === 'empty') return 'no rows';
  if (expect === 'nonEmpty') return 'at least one row';
  if ('atMost' in expect) return `at most ${expect.atMost}`;
  return `= ${compactJson(expect.equals, 120)}`;
}

/**
 * The `custom` checks of the configuration: each query runs read-only in its database (a single
 * SELECT only), and an unmet expectation is a finding of the entry's severity, keyed by its id.
 */
export const customSql = defineCheck<CustomSqlData>({
  id: 'custom.sql',
  title: 'Custom SQL checks',
  doc: {
    collects: "the result of each of the configuration's `custom` SQL checks, run read-only",
    evaluates: "each result against its expectation (empty, a value, a row count…)",
    findings: {
      '<custom id>': { severity: 'varies', meaning: "the query's result broke its expectation, or the query failed: the severity the configuration gave it" },
    },
  },
  async collect(ctx) {
    const entries = ctx.config.custom;
    if (entries.length === 0) return ctx.skip('no custom checks configured (custom)');
    const results: CustomSqlResult[] = [];
    for (const entry of entries) {
      const base = {
        id: entry.id,
        database: entry.database ?? ctx.db.endpoint.database,
        ...(entry.description ? { description: entry.description } : {}),
        sql: entry.sql,
        expect: entry.expect,
        severity: entry.severity,
      };
      let session: Session;
      try {
        session = base.database === ctx.db.endpoint.database ? ctx.db : await ctx.connect(base.database);
      } catch (error) {
        results.push({ ...base, status: 'error', error: errorRecord(error) });
        continue;
      }
      results.push(await runOne(session, base));
    }
    return { results };
  },
  evaluate: (data) => data.results.map(findingFor).filter((f): f is FindingInput => f !== undefined),
});
