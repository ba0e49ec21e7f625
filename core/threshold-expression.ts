import { CutoverError } from './errors.js';

/**
 * Thresholds written the way k6 users write them (`'p(99)<50'`, `'rate<0.001'`, `'value>1000'`),
 * keyed by the figure they judge. Parsed when the configuration is loaded, so a typo is a
 * configuration error (exit 2) before anything runs, never a threshold silently skipped.
 */

/** The figures a threshold can judge. */
export const THRESHOLD_METRICS = ['latency', 'errors', 'tps', 'latency_change', 'tps_change'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** The aggregation of the figure: `p` with `percentile` for `p(N)`. */
export type ThresholdAggregation = 'p' | 'avg' | 'med' | 'min' | 'max' | 'rate' | 'count' | 'value';

export interface ThresholdExpression {
  metric: ThresholdMetric;
  /** As written, e.g. `p(99)<50`. */
  source: string;
  aggregation: ThresholdAggregation;
  /** For `p(N)`: N (0–100); `med` is p(50). */
  percentile?: number;
  operator: ThresholdOperator;
  /** The bound: milliseconds for latency, a fraction for rates and for changes written with `%`. */
  value: number;
}

/** What each metric accepts, for parsing and for the error that lists it. */
const ACCEPTED: Record<ThresholdMetric, { aggregations: readonly string[]; unit: string; percent: boolean; example: string }> = {
  latency: { aggregations: ['p(N)', 'avg', 'med', 'min', 'max'], unit: 'milliseconds', percent: false, example: 'p(99)<50' },
  errors: { aggregations: ['rate', 'count'], unit: 'a fraction of attempts (rate) or a number (count)', percent: false, example: 'rate<0.001' },
  tps: { aggregations: ['value', 'rate'], unit: 'successful transactions per second', percent: false, example: 'value>1000' },
  latency_change: { aggregations: ['p(50)', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'med'], unit: 'a percentage of A (B vs A)', percent: true, example: 'p(99)<10%' },
  tps_change: { aggregations: ['value'], unit: 'a percentage of A (B vs A, negative for a drop)', percent: true, example: 'value>-5%' },
};

const SHAPE = /^\s*(p\(\s*(\d+(?:\.\d+)?)\s*\)|[a-z]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(%?)\s*$/i;

/**
 * Parses one threshold of `thresholds.<metric>`. `where` names it in errors
 * (`thresholds.latency[1]`); errors say what was expected and what was given.
 */
export function parseThreshold(metric: string, text: unknown, where = `thresholds.${metric}`): ThresholdExpression {
  if (!(THRESHOLD_METRICS as readonly string[]).includes(metric)) {
    throw new CutoverError('config', `thresholds: unknown figure "${metric}": expected one of ${THRESHOLD_METRICS.join(', ')}`);
  }
  const m = metric as ThresholdMetric;
  const accepted = ACCEPTED[m];
  const expected = `expected an aggregation (${accepted.aggregations.join(', ')}), an operator (<, <=, >, >=, ==, !=) and a bound in ${accepted.unit}, such as '${accepted.example}'`;
  if (typeof text !== 'string') throw new CutoverError('config', `${where}: ${expected}, got ${JSON.stringify(text)} (k6's object form { threshold, abortOnFail } is not supported: write the string)`);
  const shape = SHAPE.exec(text);
  if (!shape) throw new CutoverError('config', `${where}: ${expected}, got '${text}'`);
  const [, aggText = '', pText, op, numText = '', pct] = shape;
  const percentile = pText !== undefined ? Number(pText) : aggText.toLowerCase() === 'med' ? 50 : undefined;
  const aggregation = (pText !== undefined ? 'p' : aggText.toLowerCase()) as ThresholdAggregation;
  const allowed = accepted.aggregations.some((a) => (a.startsWith('p(') ? aggregation === 'p' && (a === 'p(N)' || Number(a.slice(2, -1)) === percentile) : a === aggregation));
  if (!allowed) throw new CutoverError('config', `${where}: ${metric} has no aggregation ${pText !== undefined ? `p(${pText})` : `"${aggText}"`}; ${expected}, got '${text}'`);
  if (percentile !== undefined && (percentile < 0 || percentile > 100)) throw new CutoverError('config', `${where}: expected a percentile from 0 to 100, got '${text}'`);
  if (accepted.percent && pct !== '%') throw new CutoverError('config', `${where}: a change is a percentage of A, such as '${accepted.example}', got '${text}' (the % is missing)`);
  if (!accepted.percent && pct === '%') throw new CutoverError('config', `${where}: ${metric} is judged in ${accepted.unit}, not a percentage, got '${text}'`);
  const value = Number(numText) / (pct === '%' ? 100 : 1);
  const out: ThresholdExpression = { metric: m, source: text.trim(), aggregation, operator: op as ThresholdOperator, value };
  if (percentile !== undefined) out.percentile = percentile;
  return out;
}

/** Every threshold of a configuration's `thresholds`, parsed; the first error is thrown. */
export function parseThresholds(thresholds: Readonly<Record<string, readonly unknown[]>> | undefined): ThresholdExpression[] {
  if (!thresholds) return [];
  return Object.entries(thresholds).flatMap(([metric, list]) => list.map((t, i) => parseThreshold(metric, t, `thresholds.${metric}[${i + 1}]`)));
}

/** Whether `observed` satisfies the threshold's comparison. */
export function holds(t: Pick<ThresholdExpression, 'operator' | 'value'>, observed: number): boolean {
  switch (t.operator) {
    case '<':
      return observed < t.value;
    case '<=':
      return observed <= t.value;
    case '>':
      return observed > t.value;
    case '>=':
      return observed >= t.value;
    case '==':
      return observed === t.value;
    case '!=':
      return observed !== t.value;
  }
}

/** One threshold judged: what it saw, shown the way k6 shows it (`p(99)=12.3ms`). Kept in run.json. */
export interface ThresholdResult {
  metric: ThresholdMetric;
  /** As written in the configuration. */
  threshold: string;
  /** The figure seen (ms, a fraction, per second, a change); null when nothing measured it. */
  observed: number | null;
  /** `p(99)=12.3ms`, `rate=0.02%`, `p(99)=+35% (B/A 1.21x–1.52x, significant)`. */
  shown: string;
  passed: boolean;
  /** Why a threshold passed although its comparison does not hold (within the noise), or failed with no figure. */
  note?: string;
  /** What was judged when a run has several (`side a`, `side b` of a baseline with --against). */
  scope?: string;
}
