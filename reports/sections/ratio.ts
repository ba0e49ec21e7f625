import { escapeHtml as h } from '../escape.js';
import { formatRatio } from './value-html.js';

/**
 * `explain.timeRatio`'s default (core/config-schema.ts): the report colours at the ratio the
 * differ's findings use, so a coloured cell and a finding never disagree.
 */
export const DEFAULT_TIME_RATIO = 2;

/** The ratio below which a figure reads as an improvement: the inverse of the limit, `0.5` for 2. */
export function betterBelow(limit: number): number {
  return Number((1 / limit).toFixed(2));
}

/** After divided by before; undefined when either is missing or before is not positive. */
export function ratioOf(before: number | undefined, after: number | undefined): number | undefined {
  if (typeof before !== 'number' || typeof after !== 'number' || !(before > 0) || !Number.isFinite(after)) return undefined;
  return after / before;
}

/** How a ratio of costs or times reads: `worse` beyond `limit`, `better` below its inverse, else `even`. */
export function ratioClass(ratio: number, limit = DEFAULT_TIME_RATIO): 'worse' | 'better' | 'even' {
  if (ratio > limit) return 'worse';
  if (ratio < betterBelow(limit)) return 'better';
  return 'even';
}

/**
 * A ratio cell: `13.79×`, coloured when beyond the thresholds, a dash when there is none.
 * `colour: false` prints it grey (a time ratio of sub-millisecond timings is mostly noise).
 */
export function ratioHtml(ratio: number | undefined, colour = true, limit = DEFAULT_TIME_RATIO): string {
  if (ratio === undefined) return '<span class="muted">—</span>';
  const kind = colour ? ratioClass(ratio, limit) : 'noise';
  return `<span class="pd-ratio pd-${kind}">${h(formatRatio(ratio))}</span>`;
}
