import type { ResolvedConfig } from '../core/config.js';
import type { FindingInput } from '../reports/finding.js';
import type { ExplainBaseline } from './explain-query.js';
import { formatShape, sameShape } from './plan-shape.js';
import { lineDiff } from './line-diff.js';

/**
 * Below this many milliseconds of slowdown a time ratio is not reported: ratios of
 * sub-millisecond timings are mostly noise.
 */
export const MIN_TIME_INCREASE_MS = 1;

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
 * (explain.shapeChange), total cost and execution time ratios above explain.costRatio and
 * explain.timeRatio (warn).
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
        severity: 'warn',
        message: `estimated cost of ${now.name} grew ${ratio.toFixed(2)}x (${before.totalCost} -> ${now.totalCost}), above explain.costRatio ${config.explain.costRatio}`,
        object: now.name,
        details: { pre: before.totalCost, post: now.totalCost, ratio, threshold: config.explain.costRatio },
      });
    }
  }
  const t0 = before.executionTimeMs;
  const t1 = now.executionTimeMs;
  if (t0 !== undefined && t1 !== undefined && t0 > 0) {
    const ratio = t1 / t0;
    if (ratio > config.explain.timeRatio && t1 - t0 >= MIN_TIME_INCREASE_MS) {
      findings.push({
        key: `time:${now.name}`,
        severity: 'warn',
        message: `median execution time of ${now.name} grew ${ratio.toFixed(2)}x (${t0.toFixed(3)} ms -> ${t1.toFixed(3)} ms), above explain.timeRatio ${config.explain.timeRatio}`,
        object: now.name,
        details: { preMs: t0, postMs: t1, ratio, threshold: config.explain.timeRatio },
      });
    }
  }
  return findings;
}
