import { relative, resolve } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { parseThresholds } from '../core/threshold-expression.js';
import { loadCliConfig } from './load-config.js';
import { parseDuration } from '../core/duration.js';
import { assertWritable } from './output-path.js';
import { writeOutput } from './write-output.js';
import { plain } from './io.js';
import type { CliRuntime } from './runtime.js';
import {
  NO_LIMITS,
  buildComparison,
  comparisonLines,
  parsePercent,
  parsePercentile,
  parseSeverity,
  readBaselineSides,
  readRunInputs,
  renderComparisonHtml,
  renderComparisonJson,
  type CompareLimits,
} from '../reports/compare/index.js';

/** The flags of `cutover compare`, as commander parses them. */
export interface CompareOptions {
  maxLatencyRegression?: string;
  latencyPercentile?: string;
  maxThroughputDrop?: string;
  maxDowntimeIncrease?: string;
  failOnPlanChange?: boolean;
  maxPlanCostIncrease?: string;
  failOnNewFindings?: string;
  confidence?: string;
  bootstrapIterations?: string;
  seed?: string;
  config?: string;
  /** A file name; false after --no-html; undefined means the default, compare.html. */
  html?: string | false;
  json?: string;
}

/** The default page, in the working directory. */
export const DEFAULT_HTML = 'compare.html';

/** Every limit parsed and checked before a file is read; errors name the option. */
export function compareLimits(o: CompareOptions): CompareLimits {
  const limits: CompareLimits = { ...NO_LIMITS, failOnPlanChange: o.failOnPlanChange === true };
  if (o.latencyPercentile !== undefined) limits.latencyPercentile = parsePercentile('--latency-percentile', o.latencyPercentile);
  if (o.maxLatencyRegression !== undefined) limits.maxLatencyRegression = parsePercent('--max-latency-regression', o.maxLatencyRegression);
  if (o.maxThroughputDrop !== undefined) limits.maxThroughputDrop = parsePercent('--max-throughput-drop', o.maxThroughputDrop);
  if (o.maxDowntimeIncrease !== undefined) limits.maxDowntimeIncreaseMs = parseDuration('--max-downtime-increase', o.maxDowntimeIncrease, { minMs: 0 });
  if (o.maxPlanCostIncrease !== undefined) limits.maxPlanCostIncrease = parsePercent('--max-plan-cost-increase', o.maxPlanCostIncrease);
  if (o.failOnNewFindings !== undefined) limits.failOnNewFindings = parseSeverity('--fail-on-new-findings', o.failOnNewFindings);
  return limits;
}

/** `--confidence`: a fraction in (0, 1) or a percentage (`95%`). */
export function parseConfidence(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(value > 0 && value < 1) || (m?.[2] === '' && Number(m[1]) >= 1)) {
    throw new CutoverError('usage', `--confidence: expected a level between 0 and 1 such as 0.95, or a percentage such as 99%, got "${text}"`);
  }
  return value;
}

function parseInteger(option: string, text: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new CutoverError('usage', `${option}: expected a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** The statistics options, parsed before a file is read. */
export function compareStatistics(o: CompareOptions): { confidence: number; iterations: number; seed: number } {
  return {
    confidence: parseConfidence(o.confidence ?? '0.95'),
    iterations: parseInteger('--bootstrap-iterations', o.bootstrapIterations ?? '2000', 100, 1_000_000),
    seed: parseInteger('--seed', o.seed ?? '1', 0, 2 ** 32 - 1),
  };
}

/** Runs `cutover compare` with parsed arguments; returns the exit code (0 within the limits, 1 not). */
export async function runCompare(runA: string, runB: string | undefined, options: CompareOptions, runtime: CliRuntime): Promise<number> {
  const limits = compareLimits(options);
  const statistics = compareStatistics(options);
  const thresholds = parseThresholds((await loadCliConfig(options.config, runtime.cwd)).config.thresholds);
  const htmlPath = options.html === false ? undefined : resolve(runtime.cwd, options.html ?? DEFAULT_HTML);
  const outputs = [
    ...(htmlPath ? [{ file: assertWritable('--html', htmlPath), render: renderComparisonHtml }] : []),
    ...(options.json !== undefined ? [{ file: assertWritable('--json', resolve(runtime.cwd, options.json)), render: renderComparisonJson }] : []),
  ];
  const single = runB === undefined;
  const [a, b] = await Promise.all([readRunInputs(single ? 'RUN' : 'RUN_A', runA), single ? undefined : readRunInputs('RUN_B', runB)]);
  const baseline = await readBaselineSides(a, b);
  const comparison = buildComparison(a, b ?? a, limits, { baseline, statistics, single, thresholds });
  for (const o of outputs) await writeOutput(o.file, o.render(comparison));
  for (const line of comparisonLines(comparison, runtime.io.style)) runtime.io.out(line);
  for (const o of outputs) {
    const rel = relative(runtime.cwd, o.file);
    runtime.io.out(`wrote ${plain(rel && !rel.startsWith('..') ? rel : o.file)}`);
  }
  return comparison.gate.verdict === 'fail' ? 1 : 0;
}
