import { studentTQuantile } from './student-t.js';

/**
 * Whether a difference between two baselines is larger than their noise. Two estimates of the
 * noise, and the wider one wins:
 *
 * - the hierarchical bootstrap's percentile interval of log(B/A) (repeats, then seconds);
 * - a noise floor from the spread between repeats: Welch's t on the repeats' own log figures,
 *   t(1 − α/2, Welch–Satterthwaite df) × √(s²a/na + s²b/nb).
 *
 * A bootstrap over three clusters underestimates their variance (it sees at most three distinct
 * repeats, and their spread with divisor n, not n − 1), so alone it calls too many A/A
 * differences significant; the t floor is what keeps the false-positive rate at the level asked
 * for with few repeats, and the bootstrap is what widens it when the seconds of a repeat are
 * noisier than three repeats show. docs/compare-baselines.md gives the reasoning and the A/A rate.
 */

/** Log-scale interval bounds of a ratio. */
export interface LogInterval {
  low: number;
  high: number;
}

export interface SignificanceInput {
  /** Point estimates of the figure on each side (pooled over repeats). */
  a: number;
  b: number;
  /** The figure in each repeat of each side. */
  repeatsA: readonly number[];
  repeatsB: readonly number[];
  /** Bootstrap replicates of the figure on each side, paired by iteration. */
  bootA: readonly number[];
  bootB: readonly number[];
  /** Two-sided error rate for this figure (already divided among the figures judged together). */
  alpha: number;
}

export interface SignificanceResult {
  /** B/A. */
  ratio: number;
  /** The interval of B/A, the wider of the bootstrap's and the noise floor's. */
  interval: { low: number; high: number };
  /** The bootstrap's interval of B/A alone. */
  bootstrap: { low: number; high: number };
  /** Smallest change (a fraction of A, both ways) the spread between repeats lets this comparison resolve. */
  noiseFloor: number;
  /** Standard deviation of the log figure between repeats (about the coefficient of variation), per side. */
  spread: { a: number; b: number };
  /** Welch–Satterthwaite degrees of freedom of the floor. */
  df: number;
  significant: boolean;
}

const log = (x: number) => Math.log(Math.max(x, 1e-9));

function variance(xs: readonly number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
}

/** The q-quantile of sorted values (linear interpolation). */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** The t-based floor, in log units, from the spread between repeats; needs two repeats per side. */
export function noiseFloor(repeatsA: readonly number[], repeatsB: readonly number[], alpha: number): { floor: number; df: number; sa: number; sb: number } {
  const la = repeatsA.map(log);
  const lb = repeatsB.map(log);
  const va = variance(la);
  const vb = variance(lb);
  const wa = va / la.length;
  const wb = vb / lb.length;
  const se = Math.sqrt(wa + wb);
  const df = se === 0 ? la.length + lb.length - 2 : (wa + wb) ** 2 / (wa ** 2 / (la.length - 1) + wb ** 2 / (lb.length - 1));
  return { floor: se === 0 ? 0 : studentTQuantile(1 - alpha / 2, df) * se, df, sa: Math.sqrt(va), sb: Math.sqrt(vb) };
}

/** Judges one figure. Needs at least two repeats per side (the caller says why when there are fewer). */
export function judge(input: SignificanceInput): SignificanceResult {
  const centre = log(input.b) - log(input.a);
  const boot = input.bootA.map((a, i) => log(input.bootB[i] as number) - log(a)).sort((x, y) => x - y);
  const bootLow = quantile(boot, input.alpha / 2);
  const bootHigh = quantile(boot, 1 - input.alpha / 2);
  const { floor, df, sa, sb } = noiseFloor(input.repeatsA, input.repeatsB, input.alpha);
  const low = Math.min(bootLow, centre - floor);
  const high = Math.max(bootHigh, centre + floor);
  return {
    ratio: Math.exp(centre),
    interval: { low: Math.exp(low), high: Math.exp(high) },
    bootstrap: { low: Math.exp(bootLow), high: Math.exp(bootHigh) },
    noiseFloor: Math.exp(floor) - 1,
    spread: { a: sa, b: sb },
    df,
    significant: low > 0 || high < 0,
  };
}
