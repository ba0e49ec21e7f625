import { CutoverError } from '../../core/errors.js';
import type { Severity } from '../../checks/finding.js';
import { PERCENTILES, type PercentileKey } from './latency-percentiles.js';

/** The regressions `cutover compare` gates on; a limit left undefined is not checked. */
export interface CompareLimits {
  /** The latency percentile the latency limit applies to. */
  latencyPercentile: PercentileKey;
  /** Largest allowed rise of that percentile from A to B, as a fraction (0.25 = 25%). */
  maxLatencyRegression?: number;
  /** Largest allowed fall of successes per second from A to B, as a fraction. */
  maxThroughputDrop?: number;
  /** Largest allowed rise of total downtime from A to B, in milliseconds. */
  maxDowntimeIncreaseMs?: number;
  /** Fail when an EXPLAIN baseline present in both runs changed shape. */
  failOnPlanChange: boolean;
  /** Largest allowed rise of an EXPLAIN baseline's estimated cost, as a fraction. */
  maxPlanCostIncrease?: number;
  /** Fail on findings of B, at this severity or above, that A did not have or had at a lower severity. */
  failOnNewFindings?: Exclude<Severity, 'info'>;
}

/** No limits: the comparison is shown and the gate passes. */
export const NO_LIMITS: CompareLimits = { latencyPercentile: 'p99', failOnPlanChange: false };

/**
 * Parses a percentage flag (`25%`, `12.5%`, or a bare `25`, meaning percent) into a fraction.
 * A usage error names the option, what was expected and what was given.
 */
export function parsePercent(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!m) throw new CutoverError('usage', `${option}: expected a percentage of 0 or more such as 25% or 2.5%, got "${text}"`);
  return Number(m[1]) / 100;
}

/** Parses `--latency-percentile`: p50, p90, p95, p99, p99.9 (or p999), max. */
export function parsePercentile(option: string, text: string): PercentileKey {
  const wanted = text.trim().toLowerCase();
  const found = PERCENTILES.find((p) => p.label === wanted || p.key === wanted);
  if (!found) throw new CutoverError('usage', `${option}: expected one of ${PERCENTILES.map((p) => p.label).join(', ')}, got "${text}"`);
  return found.key;
}

/** Parses `--fail-on-new-findings`: warn or fail. */
export function parseSeverity(option: string, text: string): Exclude<Severity, 'info'> {
  const wanted = text.trim().toLowerCase();
  if (wanted === 'warn' || wanted === 'fail') return wanted;
  throw new CutoverError('usage', `${option}: expected warn or fail, got "${text}"`);
}

/** A fraction as the flag value that sets it: 0.25 -> `25%`. */
export function percentText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
