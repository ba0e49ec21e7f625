import type { ResolvedConfig } from '../core/config.js';
import type { FindingInput } from './finding.js';
import type { ExplainBaseline } from './explain-query.js';
import { formatShape, sameShape } from './plan-shape.js';
import { lineDiff } from './line-diff.js';

/**
 * The floor of the noise margin, in milliseconds: a slowdown smaller than this is never reported,
 * whatever its ratio, since sub-millisecond timings jitter by 2x and more between runs.
 */
export const MIN_TIME_INCREASE_MS = 2;

/** How the median execution times of one baseline compare, and whether that is a slowdown. */
export interface TimeJudgement {
  preMs: number;
  postMs: number;
  ratio: number;
  /** Milliseconds the median must grow by to count: the floor, or the wider spread of either side's runs. */
  noiseMs: number;
  /** Grew more than `explain.timeRatio` times and by more than the noise margin. */
  slower: boolean;
}

/**
 * How far apart a baseline's runs are: from 4 runs on, the second slowest minus the second
 * fastest, so that one run disturbed by a neighbour's load neither hides a slowdown nor makes one;
 * below that (and for older snapshots, which kept only the range) slowest minus fastest.
 */
export function spreadMs(b: ExplainBaseline | undefined): number {
  const times = b?.executionTimesMs ? [...b.executionTimesMs].sort((x, y) => x - y) : undefined;
  if (times && times.length >= 4) return (times[times.length - 2] ?? 0) - (times[1] ?? 0);
  if (times && times.length > 0) return (times[times.length - 1] ?? 0) - (times[0] ?? 0);
  return b?.executionTimeRangeMs ? b.executionTimeRangeMs[1] - b.executionTimeRangeMs[0] : 0;
}

/**
 * The noise margin of two baselines' execution times, in milliseconds: the larger of
 * MIN_TIME_INCREASE_MS and the spread of the runs on either side (`spreadMs`).
 */
export function timeNoiseMs(before: ExplainBaseline | undefined, now: ExplainBaseline | undefined): number {
  return Math.max(MIN_TIME_INCREASE_MS, spreadMs(before), spreadMs(now));
}

/**
 * Judges measured time (EXPLAIN ANALYZE, median of the repeats): slower only when the median grew
 * more than `timeRatio` times and by more than the noise margin, the larger of
 * MIN_TIME_INCREASE_MS and the spread of the runs on either side. Undefined
 * when either side has no measured time.
 */
export function judgeTime(before: ExplainBaseline, now: ExplainBaseline, timeRatio: number): TimeJudgement | undefined {
  const t0 = before.executionTimeMs;
  const t1 = now.executionTimeMs;
  if (t0 === undefined || t1 === undefined) return undefined;
  const ratio = t0 > 0 ? t1 / t0 : t1 > 0 ? Infinity : 1;
  const noiseMs = timeNoiseMs(before, now);
  return { preMs: t0, postMs: t1, ratio, noiseMs, slower: ratio > timeRatio && t1 - t0 > noiseMs };
}

function errorText(b: ExplainBaseline): string {
  return b.status === 'rejected' ? `rejected: ${b.reason ?? ''}` : (b.error?.message ?? 'failed');
}

/**
 * Findings from one snapshot: a baseline that is not a SELECT, or whose EXPLAIN failed. A write
 * refused by the read-only session (25006) is a failure: the baseline must be a read.
 */
export function evaluateBaselines(baselines: readonly ExplainBaseline[]): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const b of baselines) {
    if (b.status === 'rejected') {
      findings.push({
        key: `rejected:${b.name}`,
        severity: 'fail',
        message: `EXPLAIN baseline ${b.name} was not run: ${b.reason ?? 'not a single SELECT'}`,
        object: b.name,
        details: { sql: b.sql },
      });
    } else if (b.status === 'error') {
      const writes = b.error?.sqlState === '25006';
      findings.push({
        key: `error:${b.name}`,
        severity: writes ? 'fail' : 'warn',
        message: writes
          ? `EXPLAIN baseline ${b.name} tried to write (refused by the read-only session): ${errorText(b)}`
          : `EXPLAIN baseline ${b.name} failed: ${errorText(b)}`,
        object: b.name,
        details: { database: b.database, error: b.error },
      });
    }
  }
  return findings;
}

/**
 * Findings from pre vs post: a query failing after but not before (fail), a changed plan shape
 * (explain.shapeChange), a measured slowdown beyond explain.timeRatio and the noise of the repeats
 * (warn). The planner's estimated cost is information only: estimates are not comparable across
 * majors, nor between freshly copied and settled statistics.
 */
export function compareBaselines(
  pre: readonly ExplainBaseline[],
  post: readonly ExplainBaseline[],
  config: ResolvedConfig,
): FindingInput[] {
  const findings: FindingInput[] = [];
  const after = new Map(post.map((b) => [b.name, b]));
  for (const before of pre) {
    const now = after.get(before.name);
    if (!now || before.status !== 'ok') continue;
    if (now.status !== 'ok') {
      // Same key as evaluate's, so the differ keeps one finding, at this severity.
      findings.push({
        key: now.status === 'rejected' ? `rejected:${now.name}` : `error:${now.name}`,
        severity: 'fail',
        message: `EXPLAIN baseline ${now.name} fails after the upgrade but not before: ${errorText(now)}`,
        object: now.name,
        details: { database: now.database, error: now.error, reason: now.reason },
      });
      continue;
    }
    findings.push(...shapeFindings(before, now, config), ...ratioFindings(before, now, config));
  }
  return findings;
}

function shapeFindings(before: ExplainBaseline, now: ExplainBaseline, config: ResolvedConfig): FindingInput[] {
  if (!before.shape || !now.shape || sameShape(before.shape, now.shape)) return [];
  const diff = lineDiff(formatShape(before.shape), formatShape(now.shape));
  const changed = diff.filter((l) => !l.startsWith('  '));
  return [
    {
      key: `shape:${now.name}`,
      severity: config.explain.shapeChange,
      message: `plan of ${now.name} changed shape: ${changed.slice(0, 4).join('; ')}${changed.length > 4 ? '; …' : ''}`,
      object: now.name,
      details: { diff, pre: formatShape(before.shape), post: formatShape(now.shape) },
    },
  ];
}

function ratioFindings(before: ExplainBaseline, now: ExplainBaseline, config: ResolvedConfig): FindingInput[] {
  const findings: FindingInput[] = [];
  if (before.totalCost !== undefined && now.totalCost !== undefined && before.totalCost > 0) {
    const ratio = now.totalCost / before.totalCost;
    if (ratio > config.explain.costRatio) {
      findings.push({
        key: `cost:${now.name}`,
        severity: 'info',
        message: `estimated cost of ${now.name} grew ${ratio.toFixed(2)}x (${before.totalCost} -> ${now.totalCost}); information only: planner estimates are not comparable across majors or fresh statistics${
          now.executionTimeMs === undefined ? ' (no ANALYZE: only the plan shape is judged)' : ', measured time is what is judged'
        }`,
        object: now.name,
        details: { pre: before.totalCost, post: now.totalCost, ratio, threshold: config.explain.costRatio },
      });
    }
  }
  const time = judgeTime(before, now, config.explain.timeRatio);
  if (time?.slower) {
    const runs = `median of ${before.runs} -> ${now.runs} runs`;
    findings.push({
      key: `time:${now.name}`,
      severity: 'warn',
      message: `median execution time of ${now.name} grew ${time.ratio.toFixed(2)}x (${time.preMs.toFixed(3)} ms -> ${time.postMs.toFixed(3)} ms, ${runs}), above explain.timeRatio ${config.explain.timeRatio} and the noise margin of ${time.noiseMs.toFixed(3)} ms`,
      object: now.name,
      details: {
        preMs: time.preMs,
        postMs: time.postMs,
        ratio: time.ratio,
        threshold: config.explain.timeRatio,
        noiseMs: time.noiseMs,
        preRunsMs: before.executionTimesMs ?? before.executionTimeRangeMs,
        postRunsMs: now.executionTimesMs ?? now.executionTimeRangeMs,
      },
    });
  }
  return findings;
}
