import { escapeHtml as h } from '../escape.js';
import { formatRatio } from './value-html.js';

/** A ratio (after / before) above this is coloured as a regression. */
export const RATIO_WORSE = 1.5;
/** A ratio (after / before) below this is coloured as an improvement. */
export const RATIO_BETTER = 0.67;

/** After divided by before; undefined when either is missing or before is not positive. */
export function ratioOf(before: number | undefined, after: number | undefined): number | undefined {
  if (typeof before !== 'number' || typeof after !== 'number' || !(before > 0) || !Number.isFinite(after)) return undefined;
  return after / before;
}

/** How a ratio of costs or times reads: `worse` beyond 1.5x, `better` below 0.67x, else `even`. */
export function ratioClass(ratio: number): 'worse' | 'better' | 'even' {
  if (ratio > RATIO_WORSE) return 'worse';
  if (ratio < RATIO_BETTER) return 'better';
  return 'even';
}

/**
 * A ratio cell: `13.79×`, coloured when beyond the thresholds, a dash when there is none.
 * `colour: false` prints it grey (a time ratio of sub-millisecond timings is mostly noise).
 */
export function ratioHtml(ratio: number | undefined, colour = true): string {
  if (ratio === undefined) return '<span class="muted">—</span>';
  const kind = colour ? ratioClass(ratio) : 'noise';
  return `<span class="pd-ratio pd-${kind}">${h(formatRatio(ratio))}</span>`;
}
