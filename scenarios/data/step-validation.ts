import { formatMs } from '../../core/duration.js';
import type { DataValidationRecord } from '../../run/manifest.js';
import { validateData } from '../../validate/run-validation.js';
import type { ValidationResult } from '../../validate/result.js';
import type { ActionContext } from '../actions/action-types.js';
import type { Cluster } from '../topology/cluster.js';
import { rehearsalJobs, type DataSettings } from './data-settings.js';

/**
 * Compares the data of two servers of a step (blue against green), read-only on both, as a timed
 * phase `validate-data` of the step, and records the result for run.json's `data`. Differences do
 * not fail the step: they are the run's findings. Failing to connect does (nothing was compared).
 */
export async function validateStepData(
  ctx: ActionContext,
  o: { action: string; source: Cluster; target: Cluster; at: DataValidationRecord['at']; settings: DataSettings },
): Promise<ValidationResult | undefined> {
  const old = [o.source, o.target].find((c) => c.major > 0 && c.major < 14);
  if (old) {
    // The digests need hash_record_extended (PostgreSQL 14): say so rather than fail the upgrade being rehearsed.
    const reason = `data validation needs PostgreSQL 14 or later; ${old.role} is ${old.version}`;
    ctx.detail('dataValidation', { at: o.at, skipped: reason });
    ctx.log(`${o.action}: ${reason}: data not compared`);
    return undefined;
  }
  ctx.phase('validate-data');
  ctx.log(`${o.action}: comparing the data of ${o.source.role} and ${o.target.role} (${o.at})`);
  const result = await validateData({
    source: o.source.endpoint(),
    target: o.target.endpoint(),
    tables: o.settings.tables,
    exclude: o.settings.exclude,
    groupBy: o.settings.groupBy,
    jobs: rehearsalJobs(o.settings, 2),
    signal: ctx.signal,
  });
  ctx.recordData?.({ source: o.source.role, target: o.target.role, at: o.at, result });
  const { summary } = result;
  const differing = result.tables.filter((t) => t.status !== 'equal').map((t) => `${t.table} (${t.status})`);
  ctx.detail('dataValidation', { at: o.at, outcome: result.outcome, tables: summary.tables, durationMs: result.durationMs, ...(differing.length ? { notEqual: differing.slice(0, 20) } : {}) });
  ctx.log(
    `${o.action}: data ${result.outcome.toUpperCase()}: ${summary.tables} table(s), ${summary.sourceRows} rows on ${o.source.role}, ` +
      `${summary.missingRows} missing, ${summary.extraRows} extra, ${summary.changedRows} changed on ${o.target.role}, in ${formatMs(result.durationMs)}` +
      (differing.length ? `; not equal: ${differing.slice(0, 5).join(', ')}` : ''),
  );
  return result;
}
