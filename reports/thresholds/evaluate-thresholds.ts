import { holds, type ThresholdExpression, type ThresholdResult } from '../../core/threshold-expression.js';
import type { ChangeFigure, ThresholdFigures } from './threshold-figures.js';

export type { ThresholdResult };

function label(t: ThresholdExpression): string {
  return t.aggregation === 'p' ? `p(${t.percentile})` : t.aggregation;
}

const ms = (x: number) => `${Number(x.toPrecision(4))}ms`;
const pct = (x: number) => `${x > 0 ? '+' : ''}${Number((x * 100).toPrecision(3))}%`;
const ratio = (x: number) => `${x.toFixed(x > 0.9 && x < 1.1 ? 3 : 2)}x`;

function absolute(t: ThresholdExpression, f: ThresholdFigures): number | null | undefined {
  switch (t.metric) {
    case 'latency': {
      const l = f.latency;
      if (!l) return undefined;
      if (l.count === 0) return null;
      return t.aggregation === 'p' ? l.percentile(t.percentile as number) : t.aggregation === 'avg' ? l.avg : t.aggregation === 'min' ? l.min : t.aggregation === 'max' ? l.max : l.percentile(50);
    }
    case 'errors':
      return f.errors ? (t.aggregation === 'count' ? f.errors.count : f.errors.rate) : undefined;
    case 'tps':
      return f.tps;
    default:
      return undefined;
  }
}

function changeOf(t: ThresholdExpression, f: ThresholdFigures): ChangeFigure | null | undefined {
  if (!f.change) return undefined;
  if (t.metric === 'latency_change') return f.change.latency(t.percentile as number);
  if (t.metric === 'tps_change') return f.change.tps;
  return undefined;
}

/**
 * Judges thresholds on the figures given; thresholds whose figure does not apply here (a change
 * on a soak, an absolute figure on a comparison) are left out. A change crosses its threshold only
 * when it is also significant: a comparison gates on differences beyond the noise, never inside it.
 */
export function evaluateThresholds(thresholds: readonly ThresholdExpression[], figures: ThresholdFigures): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const t of thresholds) {
    const name = label(t);
    if (t.metric === 'latency_change' || t.metric === 'tps_change') {
      const c = changeOf(t, figures);
      if (c === undefined) continue;
      if (c === null) {
        out.push({ metric: t.metric, threshold: t.source, observed: null, shown: `${name}=—`, passed: false, note: 'not measured: the comparison has no such figure' });
        continue;
      }
      const ok = holds(t, c.change);
      const interval = c.interval ? ` (B/A ${ratio(c.interval.low)}–${ratio(c.interval.high)}${c.significant ? ', significant' : ', within the noise'})` : '';
      const r: ThresholdResult = { metric: t.metric, threshold: t.source, observed: c.change, shown: `${name}=${pct(c.change)}${interval}`, passed: ok || c.significant === false };
      if (!ok && c.significant === false) r.note = 'the change crosses the threshold but is within the noise between repeats';
      out.push(r);
      continue;
    }
    const v = absolute(t, figures);
    if (v === undefined) continue;
    if (v === null) {
      out.push({ metric: t.metric, threshold: t.source, observed: null, shown: `${name}=—`, passed: false, note: 'not measured: no successful transaction' });
      continue;
    }
    const shown = t.metric === 'latency' ? ms(v) : t.metric === 'errors' && t.aggregation === 'rate' ? `${Number((v * 100).toPrecision(3))}%` : t.metric === 'tps' ? `${v.toFixed(1)}/s` : String(v);
    out.push({ metric: t.metric, threshold: t.source, observed: v, shown: `${name}=${shown}`, passed: holds(t, v) });
  }
  return out;
}
