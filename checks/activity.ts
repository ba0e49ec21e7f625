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
  collect: (ctx) => collectActivity(ctx.db, ctx.config.checks.longRunningSeconds),
  evaluate: (data, ctx) => evaluateActivity(data, ctx.config.checks.longRunningSeconds),
});
