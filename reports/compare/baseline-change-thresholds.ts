import type { ThresholdExpression, ThresholdResult } from '../../core/threshold-expression.js';
import type { RunManifest } from '../../run/manifest.js';
import { evaluateThresholds } from '../thresholds/evaluate-thresholds.js';
import { wantedPercentiles } from '../thresholds/timeline-figures.js';
import { compareBaselines } from './baseline-comparison.js';
import { readBaselineSides } from './baseline-inputs.js';
import { baselineChangeFigures } from './change-figures.js';
import { percentileKey } from './latency-percentiles.js';

/** The change thresholds (latency_change, tps_change) on a run's two baselines (blue against green), scoped `blue vs green`. */
export async function baselineChangeThresholds(runDir: string, manifest: RunManifest, thresholds: readonly ThresholdExpression[]): Promise<ThresholdResult[]> {
  const change = thresholds.filter((t) => t.metric === 'latency_change' || t.metric === 'tps_change');
  const sides = await readBaselineSides({ dir: runDir, manifest });
  if (!sides || change.length === 0) return [];
  const comparison = compareBaselines(sides[0], sides[1], { percentiles: wantedPercentiles(change).flatMap((p) => percentileKey(p) ?? []) });
  return evaluateThresholds(change, baselineChangeFigures(comparison)).map((r) => ({ ...r, scope: 'blue vs green' }));
}
