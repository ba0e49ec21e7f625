import type { MetricDifference } from './baseline-comparison.js';

/** A ratio for an interval bound: two decimals, three below 1.1 where a few percent matter. */
export function ratioText(r: number): string {
  return `${r >= 100 ? Math.round(r) : r < 0.1 ? Number(r.toPrecision(2)) : Math.abs(r - 1) < 0.1 ? r.toFixed(3) : r.toFixed(2)}x`;
}

/** The smallest change a comparison resolves: `±14.2%`, or a factor once it passes 100% (`×/÷ 8.5`). */
export function floorText(floor: number): string {
  return floor < 1 ? `±${(floor * 100).toFixed(1)}%` : `×/÷ ${Number((1 + floor).toPrecision(2))}`;
}

/** `1.21x–1.52x at 95%`, or why nothing is claimed. */
export function intervalText(m: MetricDifference, confidence: number): string {
  if (!m.stats) return `not judged: ${m.reason ?? 'too few repeats'}`;
  return `${ratioText(m.stats.interval.low)}–${ratioText(m.stats.interval.high)} at ${Number((confidence * 100).toPrecision(4))}%`;
}

/** A figure with its unit: `2.41 ms`, `812.3/s`. */
export function figureText(m: MetricDifference, value: number): string {
  if (m.unit === '/s') return `${value.toFixed(1)}/s`;
  return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3))} ms`;
}

/** What the comparison says of a figure: `significant: higher (worse)`, `no significant difference`. */
export function verdictText(m: MetricDifference): string {
  if (!m.judged) return 'not judged';
  if (!m.significant) return 'no significant difference';
  return `significant: ${m.direction} (${m.worse ? 'worse' : 'better'})`;
}
