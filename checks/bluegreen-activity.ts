import type { FindingInput } from './finding.js';
import { bluegreenSkipReason } from './bluegreen-applies.js';
import { type BluegreenSession, collectBluegreenActivity } from './bluegreen-activity-collect.js';
import { defineCheck } from './define-check.js';

export interface BluegreenActivityData {
  /** `checks.longRunningSeconds` when collected. */
  thresholdSeconds: number;
  /** Sessions running DDL, or in a transaction whose last statement was DDL, or holding ACCESS EXCLUSIVE locks. */
  ddlInFlight: BluegreenSession[];
  /** Sessions whose transaction is older than the threshold. */
  longTransactions: BluegreenSession[];
}

/**
 * What blocks a switchover at this moment: DDL in flight (a switchover waits for it, and with
 * logical replication DDL is not replicated at all) and long-running transactions (the
 * switchover's guardrails wait for them, then roll back at the timeout). cutover's own sessions
 * are left out.
 */
export const bluegreenActivityCheck = defineCheck<BluegreenActivityData>({
  id: 'bluegreen.activity',
  title: 'Blue/Green guardrails: DDL in flight and long-running transactions',
  doc: {
    collects: 'sessions running DDL and long-running transactions',
    evaluates: 'what would block or break the switchover: DDL in flight is not replicated, a long transaction holds back the catch-up',
    findings: {
      'ddl-in-flight': { severity: 'fail', meaning: 'a session is running DDL' },
      'long-transaction': { severity: 'warn', meaning: 'a transaction runs long' },
    },
  },
  suites: ['pre'],
  async collect(ctx) {
    const skip = await bluegreenSkipReason(ctx);
    if (skip) return ctx.skip(skip);
    const seconds = ctx.config.checks.longRunningSeconds;
    return { thresholdSeconds: seconds, ...(await collectBluegreenActivity(ctx, seconds)) };
  },
  evaluate: (data) => evaluateActivity(data),
});

export function evaluateActivity(data: BluegreenActivityData): FindingInput[] {
  const findings: FindingInput[] = [];
  const who = (s: BluegreenSession) => `session ${s.pid} (${[s.user, s.database, s.applicationName && `application ${s.applicationName}`].filter(Boolean).join(', ')})`;
  for (const s of data.ddlInFlight) {
    const locks = s.exclusiveLocks.length ? ` holds ACCESS EXCLUSIVE locks on ${s.exclusiveLocks.join(', ')}` : '';
    findings.push({
      key: `ddl-in-flight:${s.pid}`,
      severity: 'fail',
      message: `${who(s)}${locks}${s.ddl ? `${locks ? ' and' : ''} is ${s.state === 'active' ? 'running' : 'in a transaction after'} DDL: ${s.query ?? ''}` : ''}: DDL is not replicated to green and blocks the switchover; let it finish first`,
      object: s.exclusiveLocks.length ? s.exclusiveLocks.join(', ') : `pid ${s.pid}`,
      details: { ...s },
    });
  }
  for (const s of data.longTransactions) {
    findings.push({
      key: `long-transaction:${s.pid}`,
      severity: 'warn',
      message: `${who(s)} has had a transaction open for ${Math.round((s.transactionMs ?? 0) / 1000)} s (above ${data.thresholdSeconds} s, ${s.state ?? 'state unknown'}): a switchover waits for it and rolls back at its timeout`,
      object: `pid ${s.pid}`,
      details: { ...s },
    });
  }
  return findings;
}
