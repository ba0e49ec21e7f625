import type { ThresholdFigures } from '../thresholds/threshold-figures.js';
import type { BaselineComparison } from './baseline-comparison.js';
import { increase } from './change.js';
import type { LatencyComparison, ThroughputComparison } from './comparison.js';
import { percentileKey } from './latency-percentiles.js';

/**
 * The changes a comparison's thresholds judge: from the baselines when the runs hold some (with
 * their significance), else from the soaks' whole timelines (point estimates: nothing measured
 * their noise).
 */
export function changeFigures(latency: LatencyComparison | null, throughput: ThroughputComparison, baseline: BaselineComparison | null): ThresholdFigures {
  if (baseline) return baselineChangeFigures(baseline);
  const okRate = throughput.load.change.okRate;
  return {
    change: {
      latency: (p) => {
        const key = percentileKey(p);
        return latency && key ? { change: increase(latency.soak.latency.change[key]), significant: null } : null;
      },
      tps: okRate ? { change: increase(okRate), significant: null } : null,
    },
  };
}

/** The changes of a baseline comparison, each with its significance and interval. */
export function baselineChangeFigures(baseline: BaselineComparison): ThresholdFigures {
  const of = (key: string) => {
    const m = baseline.metrics.find((x) => x.key === key);
    if (!m || !m.judged) return null;
    return { change: m.change, significant: m.significant, ...(m.stats ? { interval: m.stats.interval } : {}) };
  };
  return { change: { latency: (p) => of(percentileKey(p) ?? ''), tps: of('tps') } };
}
