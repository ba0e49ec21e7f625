import { relative, resolve } from 'node:path';
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

/** Runs `cutover compare` with parsed arguments; returns the exit code (0 within the limits, 1 not). */
export async function runCompare(runA: string, runB: string, options: CompareOptions, runtime: CliRuntime): Promise<number> {
  const limits = compareLimits(options);
  const htmlPath = options.html === false ? undefined : resolve(runtime.cwd, options.html ?? DEFAULT_HTML);
  const outputs = [
    ...(htmlPath ? [{ file: assertWritable('--html', htmlPath), render: renderComparisonHtml }] : []),
    ...(options.json !== undefined ? [{ file: assertWritable('--json', resolve(runtime.cwd, options.json)), render: renderComparisonJson }] : []),
  ];
  const [a, b] = await Promise.all([readRunInputs('RUN_A', runA), readRunInputs('RUN_B', runB)]);
  const comparison = buildComparison(a, b, limits);
  for (const o of outputs) await writeOutput(o.file, o.render(comparison));
  for (const line of comparisonLines(comparison, runtime.io.style)) runtime.io.out(line);
  for (const o of outputs) {
    const rel = relative(runtime.cwd, o.file);
    runtime.io.out(`wrote ${plain(rel && !rel.startsWith('..') ? rel : o.file)}`);
  }
  return comparison.gate.verdict === 'fail' ? 1 : 0;
}
