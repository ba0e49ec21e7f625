import type { StepRecord } from '../../run/manifest.js';
import type { PairedStep, StepLatency } from './comparison.js';

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

/**
 * A paired step as a reader tells it apart: its number and name in A (`2. logical-bluegreen`),
 * then B's when either differs. Numbers are 1-based, as scenario steps are numbered.
 */
export function pairedStepName(s: PairedStep): string {
  const a = `${s.numberA}. ${s.nameA}`;
  return s.numberA === s.numberB && s.nameA === s.nameB ? a : `${a} / ${s.numberB}. ${s.nameB}`;
}

/** Whether a paired step was measured (some second of both timelines overlapped it). */
export function isMeasured(s: PairedStep): s is StepLatency {
  return 'latency' in s;
}
