import { join } from 'node:path';
import type { ThresholdExpression, ThresholdResult } from '../../core/threshold-expression.js';
import { readTimeline } from '../../load/timeline-reader.js';
import type { BaselineRecord, BaselineSide } from '../../run/baseline-record.js';
import { evaluateThresholds } from './evaluate-thresholds.js';
import { latencyOf, wantedPercentiles } from './timeline-figures.js';

/**
 * The absolute thresholds (latency, errors, tps) on a baseline's figures, per side: latency from
 * the merged histograms of its valid repeats, TPS the mean of their TPS, errors over every repeat
 * (an invalid repeat's errors count: they are why it is invalid).
 */
export async function baselineThresholds(runDir: string, record: BaselineRecord, thresholds: readonly ThresholdExpression[]): Promise<ThresholdResult[]> {
  const absolute = thresholds.filter((t) => t.metric === 'latency' || t.metric === 'errors' || t.metric === 'tps');
  if (absolute.length === 0) return [];
  const sides = [...new Set(record.repeats.map((r) => r.side))] as BaselineSide[];
  const out: ThresholdResult[] = [];
  for (const side of sides) {
    const repeats = record.repeats.filter((r) => r.side === side);
    const valid = repeats.filter((r) => r.valid);
    const timelines = await Promise.all(valid.map((r) => readTimeline(join(runDir, r.timeline))));
    const errors = repeats.reduce((s, r) => s + r.errors, 0);
    const attempts = repeats.reduce((s, r) => s + r.transactions + r.errors, 0);
    const results = evaluateThresholds(absolute, {
      ...latencyOf(
        timelines.flatMap((t) => t.map((b) => b.latencyHistUs)),
        wantedPercentiles(absolute),
      ),
      errors: { rate: attempts > 0 ? errors / attempts : 0, count: errors },
      tps: valid.length > 0 ? valid.reduce((s, r) => s + r.tps, 0) / valid.length : 0,
    });
    out.push(...(sides.length > 1 ? results.map((r) => ({ ...r, scope: `side ${side}` })) : results));
  }
  return out;
}
