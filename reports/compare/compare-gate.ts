import { CutoverError } from '../../core/errors.js';
import { FINDINGS_FILE, POST_SNAPSHOT_FILE, TIMELINE_FILE } from '../../run/run-files.js';
import { SEVERITY_ORDER } from '../../checks/finding.js';
import { formatMs, formatPercent, increase, type Change } from './change.js';
import type { CompareGate, FindingsComparison, GateResult, LatencyComparison, PlanComparison, ThroughputComparison } from './comparison.js';
import { percentText, type CompareLimits } from './gate-limits.js';
import { PERCENTILES } from './latency-percentiles.js';
import type { BaselineComparison, MetricDifference } from './baseline-comparison.js';
import { intervalText } from './baseline-format.js';

/** What the gate reads: the comparison's parts and which run lacks what. */
export interface GateInputs {
  latency: LatencyComparison | null;
  throughput: ThroughputComparison;
  plans: readonly PlanComparison[];
  findings: FindingsComparison;
  /** Baselines of both runs, when they hold some: the latency and throughput limits then judge them, significant differences only. */
  baseline?: BaselineComparison | null;
  /** Files each run lacks (`timeline.ndjson`...), for the error when a limit needs one. */
  missing: { a: readonly string[]; b: readonly string[] };
}

function result(key: string, limit: string, passed: boolean, message: string, details: Record<string, unknown>, object?: string): GateResult {
  const r: GateResult = { id: `compare/${key}`, checkId: 'compare', key, severity: passed ? 'info' : 'fail', message, details, limit, passed };
  if (object !== undefined) r.object = object;
  return r;
}

/** A limit that needs a file a run lacks cannot be judged: an input error naming the limit and the run. */
function needs(option: string, file: string, missing: GateInputs['missing']): never {
  const which = missing.a.includes(file) ? 'RUN_A' : 'RUN_B';
  throw new CutoverError('input', `${option}: ${which} has no ${file}, so this limit cannot be checked`);
}

/** A baseline figure the limit needs, judged; an input error when too few valid repeats make it unjudgeable. */
function judgedMetric(option: string, baseline: BaselineComparison, key: MetricDifference['key']): MetricDifference {
  const m = baseline.metrics.find((x) => x.key === key) as MetricDifference;
  if (!m.judged) throw new CutoverError('input', `${option}: the baselines cannot be judged: ${m.reason ?? 'too few valid repeats'}`);
  return m;
}

/**
 * A limit on a baseline figure: crossed only when the change is significant (its interval
 * excludes no change) and beyond the limit, in the bad direction. `worseBy`: the change in the bad direction.
 */
function baselineLimit(key: string, option: string, max: number, m: MetricDifference, confidence: number, worseBy: number): GateResult {
  const limit = `${option} ${percentText(max)}`;
  const passed = !(m.worse && worseBy > max);
  const moved = `${formatPercent(m.change)} (${m.unit === 'ms' ? `${formatMs(m.a)} ms -> ${formatMs(m.b)} ms` : `${m.a.toFixed(1)}/s -> ${m.b.toFixed(1)}/s`}, B/A ${intervalText(m, confidence)})`;
  const noise = m.significant ? 'significant' : 'within the noise between repeats';
  const message = passed ? `${m.label} ${moved}, ${noise}: within ${limit}` : `${m.label} ${moved}, significant and beyond ${limit}`;
  return result(key, limit, passed, message, { a: m.a, b: m.b, change: m.change, significant: m.significant, interval: m.stats?.interval ?? null, limit: max });
}

function latencyLimit(limits: CompareLimits, max: number, inputs: GateInputs): GateResult {
  const option = '--max-latency-regression';
  if (inputs.baseline) {
    const m = judgedMetric(option, inputs.baseline, limits.latencyPercentile);
    return baselineLimit(`latency-${limits.latencyPercentile}`, option, max, m, inputs.baseline.confidence, m.change);
  }
  if (!inputs.latency) needs(option, TIMELINE_FILE, inputs.missing);
  const label = PERCENTILES.find((p) => p.key === limits.latencyPercentile)?.label ?? limits.latencyPercentile;
  const c: Change = inputs.latency.soak.latency.change[limits.latencyPercentile];
  const rise = increase(c);
  const passed = rise <= max;
  const moved = `${passed ? formatPercent(rise) : formatPercent(rise).replace('+', '')} (${formatMs(c.a)} ms -> ${formatMs(c.b)} ms)`;
  const limit = `${option} ${percentText(max)}`;
  const message = passed ? `latency ${label} ${moved}, within ${limit}` : `latency ${label} rose ${moved}, above ${limit}`;
  return result(`latency-${limits.latencyPercentile}`, limit, passed, message, { percentile: label, aMs: c.a, bMs: c.b, ratio: c.ratio, limit: max });
}

function throughputLimit(max: number, inputs: GateInputs): GateResult {
  const option = '--max-throughput-drop';
  if (inputs.baseline) {
    const m = judgedMetric(option, inputs.baseline, 'tps');
    return baselineLimit('throughput-drop', option, max, m, inputs.baseline.confidence, -m.change);
  }
  const c = inputs.throughput.load.change.okRate;
  if (!c) needs(option, TIMELINE_FILE, inputs.missing);
  const drop = c.a > 0 ? (c.a - c.b) / c.a : 0;
  const passed = drop <= max;
  const limit = `${option} ${percentText(max)}`;
  const moved = `${c.a.toFixed(1)}/s -> ${c.b.toFixed(1)}/s`;
  const message = passed ? `successes per second ${formatPercent(-drop)} (${moved}), within ${limit}` : `successes per second fell ${formatPercent(drop).replace('+', '')} (${moved}), above ${limit}`;
  return result('throughput-drop', limit, passed, message, { aPerSecond: c.a, bPerSecond: c.b, drop, limit: max });
}

function downtimeLimit(maxMs: number, inputs: GateInputs): GateResult {
  const c = inputs.throughput.ledger.change.downtimeMs;
  const limit = `--max-downtime-increase ${maxMs}ms`;
  if (!c) {
    const which = inputs.throughput.ledger.a.downtimeMs === null ? 'RUN_A' : 'RUN_B';
    throw new CutoverError('input', `--max-downtime-increase: ${which} has no downtime figure (no soak ran through its steps), so this limit cannot be checked`);
  }
  const passed = c.delta <= maxMs;
  const moved = `${c.a} ms -> ${c.b} ms, ${c.delta >= 0 ? '+' : ''}${c.delta} ms`;
  const message = passed ? `downtime ${moved}, within ${limit}` : `downtime rose ${moved}, above ${limit}`;
  return result('downtime-increase', limit, passed, message, { aMs: c.a, bMs: c.b, limitMs: maxMs });
}

function planLimits(limits: CompareLimits, inputs: GateInputs): GateResult[] {
  const compared = inputs.plans.filter((p) => p.status === 'compared');
  if ((limits.failOnPlanChange || limits.maxPlanCostIncrease !== undefined) && inputs.missing.a.concat(inputs.missing.b).includes(POST_SNAPSHOT_FILE)) {
    needs(limits.failOnPlanChange ? '--fail-on-plan-change' : '--max-plan-cost-increase', POST_SNAPSHOT_FILE, inputs.missing);
  }
  const out: GateResult[] = [];
  if (limits.failOnPlanChange) {
    const limit = '--fail-on-plan-change';
    const changed = compared.filter((p) => p.sameShape === false);
    for (const p of changed) {
      const lines = (p.diff ?? []).filter((l) => !l.startsWith('  '));
      out.push(result(`plan-change:${p.name}`, limit, false, `plan of ${p.name} changed shape: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? '; …' : ''}`, { diff: p.diff }, p.name));
    }
    if (changed.length === 0) out.push(result('plan-change', limit, true, `no plan changed shape (${compared.length} compared)`, { compared: compared.length }));
  }
  const max = limits.maxPlanCostIncrease;
  if (max !== undefined) {
    const limit = `--max-plan-cost-increase ${percentText(max)}`;
    const over = compared.filter((p) => p.cost && increase(p.cost) > max);
    for (const p of over) {
      const c = p.cost as Change;
      out.push(result(`plan-cost:${p.name}`, limit, false, `estimated cost of ${p.name} rose ${formatPercent(increase(c))} (${c.a} -> ${c.b}), above ${limit}`, { a: c.a, b: c.b, ratio: c.ratio, limit: max }, p.name));
    }
    if (over.length === 0) out.push(result('plan-cost', limit, true, `no estimated cost rose above ${percentText(max)} (${compared.length} compared)`, { compared: compared.length }));
  }
  return out;
}

function findingsLimit(severity: 'warn' | 'fail', inputs: GateInputs): GateResult[] {
  const option = '--fail-on-new-findings';
  if (!inputs.findings.available.a || !inputs.findings.available.b) needs(option, FINDINGS_FILE, inputs.missing);
  const limit = `${option} ${severity}`;
  const floor = SEVERITY_ORDER[severity];
  // A finding that became more severe counts as new at its new severity.
  const fresh = inputs.findings.differences.filter((d) => d.b && SEVERITY_ORDER[d.b] >= floor && (!d.a || SEVERITY_ORDER[d.a] < SEVERITY_ORDER[d.b]));
  if (fresh.length === 0) return [result('new-findings', limit, true, `no ${severity} finding (or worse) that RUN_A did not have`, {})];
  return fresh.map((d) =>
    result(`new-finding:${d.id}`, limit, false, `${d.b} finding ${d.id} ${d.a ? `was ${d.a} in RUN_A` : 'is new in RUN_B'}: ${d.message}`, { a: d.a ?? null, b: d.b }, d.object),
  );
}

/**
 * Applies the configured limits to a comparison. Each limit gives at least one result: a passed
 * one, or one failing finding per violation. With no limits the gate passes with no results.
 * A limit that needs a file one run lacks is an input error: silence would look like a pass.
 */
export function applyCompareGate(limits: CompareLimits, inputs: GateInputs): CompareGate {
  const results: GateResult[] = [];
  if (limits.maxLatencyRegression !== undefined) results.push(latencyLimit(limits, limits.maxLatencyRegression, inputs));
  if (limits.maxThroughputDrop !== undefined) results.push(throughputLimit(limits.maxThroughputDrop, inputs));
  if (limits.maxDowntimeIncreaseMs !== undefined) results.push(downtimeLimit(limits.maxDowntimeIncreaseMs, inputs));
  results.push(...planLimits(limits, inputs));
  if (limits.failOnNewFindings) results.push(...findingsLimit(limits.failOnNewFindings, inputs));
  return { verdict: results.some((r) => !r.passed) ? 'fail' : 'pass', limits, results, thresholds: [] };
}
