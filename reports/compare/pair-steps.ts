import type { StepRecord } from '../../scenarios/run-manifest.js';

/**
 * Pairs the steps of two runs: by position when both ran the same actions in the same order
 * (the same scenario on two targets, whose step names may carry the versions), otherwise by
 * name. Steps with no partner are left out.
 */
export function pairSteps(a: readonly StepRecord[], b: readonly StepRecord[]): [StepRecord, StepRecord][] {
  const sameActions = a.length === b.length && a.every((s, i) => s.action === b[i]?.action);
  if (sameActions) return a.map((s, i) => [s, b[i] as StepRecord]);
  const byName = new Map<string, StepRecord[]>();
  for (const s of b) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const pairs: [StepRecord, StepRecord][] = [];
  for (const s of a) {
    const partner = byName.get(s.name)?.shift();
    if (partner) pairs.push([s, partner]);
  }
  return pairs;
}
