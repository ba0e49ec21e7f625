import type { Snapshot } from '../../checks/snapshot.js';
import type { ExplainBaseline } from '../../checks/explain-query.js';
import type { ExplainBaselinesData } from '../../checks/explain-baselines.js';
import { formatShape, sameShape } from '../../checks/plan-shape.js';
import { lineDiff } from '../../checks/line-diff.js';
import { checkEntry } from '../check-entry.js';
import { change } from './change.js';
import type { PlanComparison } from './comparison.js';

/** The id of the check whose data holds the EXPLAIN baselines. */
export const EXPLAIN_CHECK_ID = 'explain.baselines';

/** The EXPLAIN baselines of a snapshot; empty when the check did not run or holds no list. */
export function explainBaselinesOf(snapshot: Snapshot | null): ExplainBaseline[] {
  const entry = checkEntry(snapshot?.checks[EXPLAIN_CHECK_ID]);
  if (entry?.status !== 'ok') return [];
  const data = entry.data as Partial<ExplainBaselinesData> | undefined;
  return Array.isArray(data?.baselines) ? data.baselines : [];
}

function failure(b: ExplainBaseline): string {
  return b.status === 'rejected' ? `rejected: ${b.reason ?? 'not a single SELECT'}` : `failed: ${b.error?.message ?? 'no plan'}`;
}

/** Compares one baseline present in both runs. */
export function comparePlan(a: ExplainBaseline, b: ExplainBaseline): PlanComparison {
  if (a.status !== 'ok' || b.status !== 'ok' || !a.shape || !b.shape) {
    const reasons = [a.status !== 'ok' || !a.shape ? `A ${failure(a)}` : '', b.status !== 'ok' || !b.shape ? `B ${failure(b)}` : ''];
    return { name: a.name, status: 'failed', reason: reasons.filter(Boolean).join('; ') };
  }
  const shapeA = formatShape(a.shape);
  const shapeB = formatShape(b.shape);
  const out: PlanComparison = { name: a.name, status: 'compared', sameShape: sameShape(a.shape, b.shape), shapeA, shapeB };
  if (!out.sameShape) out.diff = lineDiff(shapeA, shapeB);
  if (a.totalCost !== undefined && b.totalCost !== undefined) out.cost = change(a.totalCost, b.totalCost);
  // Execution time needs ANALYZE in both runs; planning time is what a plain EXPLAIN measures.
  if (a.executionTimeMs !== undefined && b.executionTimeMs !== undefined) {
    out.time = { ...change(a.executionTimeMs, b.executionTimeMs), kind: 'execution' };
  } else if (a.planningTimeMs !== undefined && b.planningTimeMs !== undefined) {
    out.time = { ...change(a.planningTimeMs, b.planningTimeMs), kind: 'planning' };
  }
  return out;
}

/**
 * Every EXPLAIN baseline of either run's post snapshot, by name: compared when both ran it, in
 * A's order, then those only B has.
 */
export function comparePlans(a: Snapshot | null, b: Snapshot | null): PlanComparison[] {
  const inA = explainBaselinesOf(a);
  const inB = new Map(explainBaselinesOf(b).map((x) => [x.name, x]));
  const out: PlanComparison[] = [];
  for (const baseline of inA) {
    const other = inB.get(baseline.name);
    inB.delete(baseline.name);
    out.push(other ? comparePlan(baseline, other) : { name: baseline.name, status: 'only-a' });
  }
  for (const name of inB.keys()) out.push({ name, status: 'only-b' });
  return out;
}
