import type { TimelineBucket } from '../../load/timeline-types.js';
import type { StepRecord } from '../../run/manifest.js';
import { change } from './change.js';
import type { LatencyComparison, PairedStep, PercentilePair, StepLatency, WindowLatency } from './comparison.js';
import { PERCENTILES, mergedPercentiles, type LatencyPercentiles } from './latency-percentiles.js';
import { pairSteps } from './pair-steps.js';

/** Both runs' percentiles side by side, with B/A for each. */
export function pairPercentiles(a: LatencyPercentiles, b: LatencyPercentiles): PercentilePair {
  const changes = Object.fromEntries(PERCENTILES.map((p) => [p.key, change(a[p.key], b[p.key])])) as PercentilePair['change'];
  return { a, b, change: changes };
}

/** Latency and schedule lag of the seconds of two timelines, each histogram merged over its window. */
export function windowLatency(a: readonly TimelineBucket[], b: readonly TimelineBucket[]): WindowLatency {
  return {
    latency: pairPercentiles(mergedPercentiles(a.map((x) => x.latencyHistUs)), mergedPercentiles(b.map((x) => x.latencyHistUs))),
    lag: pairPercentiles(mergedPercentiles(a.map((x) => x.lagHistUs)), mergedPercentiles(b.map((x) => x.lagHistUs))),
  };
}

/**
 * The seconds of a timeline that overlapped a step (whole seconds: the timeline's resolution).
 * Overlap, not "started during": an upgrade step shorter than a second (a switchover) would
 * otherwise have no second at all, and the step a reader looks for first would vanish.
 */
export function secondsOf(timeline: readonly TimelineBucket[], step: Pick<StepRecord, 'startedAt' | 'endedAt'>): TimelineBucket[] {
  const from = Date.parse(step.startedAt);
  const to = Date.parse(step.endedAt);
  return timeline.filter((s) => s.t < Math.max(to, from + 1) && s.t + (s.spanMs > 0 ? s.spanMs : 1000) > from);
}

/**
 * Latency over the whole soak of each run, and over each step the runs have in common. A step
 * that no second of a timeline overlapped is listed as unmeasured, never dropped.
 */
export function compareLatency(
  a: { timeline: readonly TimelineBucket[]; steps: readonly StepRecord[] },
  b: { timeline: readonly TimelineBucket[]; steps: readonly StepRecord[] },
): LatencyComparison {
  const steps: StepLatency[] = [];
  const unmeasured: PairedStep[] = [];
  for (const [stepA, stepB] of pairSteps(a.steps, b.steps)) {
    const paired: PairedStep = { action: stepA.action, nameA: stepA.name, nameB: stepB.name, numberA: a.steps.indexOf(stepA) + 1, numberB: b.steps.indexOf(stepB) + 1 };
    const secondsA = secondsOf(a.timeline, stepA);
    const secondsB = secondsOf(b.timeline, stepB);
    if (secondsA.length === 0 || secondsB.length === 0) unmeasured.push(paired);
    else steps.push({ ...paired, ...windowLatency(secondsA, secondsB) });
  }
  return { soak: windowLatency(a.timeline, b.timeline), steps, unmeasured };
}

