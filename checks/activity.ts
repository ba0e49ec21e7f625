import { defineCheck } from './define-check.js';
import { type ActivityData, collectActivity } from './activity-collect.js';
import { evaluateActivity } from './activity-rules.js';

/**
 * What is running right now: connections by state, long-running queries, sessions idle in a
 * transaction, prepared transactions (which block pg_upgrade) and waiting locks. cutover's own
 * sessions (application_name `cutover`) are left out.
 */
export const activityCheck = defineCheck<ActivityData>({
  id: 'activity',
  title: 'Activity: long-running and idle-in-transaction sessions, prepared transactions, waiting locks',
  doc: {
    collects: 'long-running and idle-in-transaction sessions, prepared transactions and sessions waiting for locks',
    evaluates: 'what would hold up or break an upgrade now: sessions older than `checks.longRunningSeconds`, prepared transactions, lock waits',
    findings: {
      'long-running': { severity: 'warn', meaning: 'a query or transaction runs longer than the threshold' },
      'idle-in-transaction': { severity: 'warn', meaning: 'a session sits idle in a transaction' },
      'prepared-transaction': { severity: 'fail', meaning: 'a prepared transaction exists (pg_upgrade refuses it)' },
      'waiting-locks': { severity: 'info', meaning: 'sessions wait for locks' },
    },
  },
  collect: (ctx) => collectActivity(ctx.db, ctx.config.checks.longRunningSeconds),
  evaluate: (data, ctx) => evaluateActivity(data, ctx.config.checks.longRunningSeconds),
});
