import type { ThresholdResult } from './evaluate-thresholds.js';

/** Colours the lines use; identity functions when colour is off. */
export interface ThresholdPaint {
  red(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

/**
 * Thresholds as k6 prints them at the end of a test: a heading, then per figure its thresholds,
 * `✓` or `✗`, the expression as written and the value seen.
 */
export function thresholdLines(results: readonly ThresholdResult[], paint: ThresholdPaint): string[] {
  if (results.length === 0) return [];
  const lines = ['thresholds:'];
  const heading = (r: ThresholdResult) => (r.scope ? `${r.metric} (${r.scope})` : r.metric);
  const groups = [...new Set(results.map(heading))];
  for (const group of groups) {
    lines.push(`  ${group}`);
    for (const r of results.filter((x) => heading(x) === group)) {
      const mark = r.passed ? paint.green('✓') : paint.red('✗');
      lines.push(`  ${mark} '${r.threshold}' ${r.shown}${r.note ? paint.dim(` — ${r.note}`) : ''}`);
    }
  }
  return lines;
}

/** `2 of 5 thresholds crossed: latency 'p(99)<50', …`: the reason a gate failed, in one line. */
export function crossedReason(results: readonly ThresholdResult[]): string | undefined {
  const crossed = results.filter((r) => !r.passed);
  if (crossed.length === 0) return undefined;
  return `${crossed.length} of ${results.length} threshold${results.length === 1 ? '' : 's'} crossed: ${crossed.map((r) => `${r.metric}${r.scope ? ` (${r.scope})` : ''} '${r.threshold}' (${r.shown})`).join(', ')}`;
}
