/**
 * How a figure moved from run A to run B. `ratio` is B/A; null when A is 0 (no ratio exists),
 * which readers show as "new" when B is above 0.
 */
export interface Change {
  a: number;
  b: number;
  /** B minus A, in the figure's unit. */
  delta: number;
  /** B divided by A; null when A is 0. */
  ratio: number | null;
}

/** The change from `a` to `b`. */
export function change(a: number, b: number): Change {
  return { a, b, delta: b - a, ratio: a !== 0 ? b / a : null };
}

/**
 * The relative increase from A to B as a fraction (0.25 for +25%): Infinity when A is 0 and B
 * is not, 0 when both are 0.
 */
export function increase(c: Change): number {
  if (c.ratio !== null) return c.ratio - 1;
  return c.b > 0 ? Infinity : 0;
}

/** A ratio for people: `1.27x`, `0.98x`, or `new` when A was 0 and B is not. */
export function formatRatio(c: Change): string {
  if (c.ratio === null) return c.b === 0 ? '—' : 'new';
  return `${c.ratio >= 100 ? Math.round(c.ratio) : c.ratio.toFixed(2)}x`;
}

/** A fraction as a signed percentage: `+25%`, `-3.2%`. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞%' : '-∞%';
  const pct = fraction * 100;
  if (Math.abs(pct) < 0.05) return '0%';
  const digits = Math.abs(pct) >= 10 || pct === 0 ? 0 : 1;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(digits)}%`;
}

/** Milliseconds for a table: three significant digits below 100, whole above. */
export function formatMs(ms: number): string {
  if (ms >= 100) return Math.round(ms).toLocaleString('en-US');
  if (ms === 0) return '0';
  return Number(ms.toPrecision(3)).toString();
}
