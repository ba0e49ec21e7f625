import type { BaselineRecord, BaselineSide } from '../run/baseline-record.js';

/** The median of numbers (0 for none). */
function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** One line per side: its valid repeats' median TPS and latency percentiles (the comparison is `cutover compare`'s). */
export function baselineSummaryLines(record: BaselineRecord): string[] {
  const sides = [...new Set(record.repeats.map((r) => r.side))] as BaselineSide[];
  const lines = sides.map((side) => {
    const all = record.repeats.filter((r) => r.side === side);
    const valid = all.filter((r) => r.valid);
    const server = all[0]?.server ?? '';
    if (!valid.length) return `${side} (${server}): no valid repeat of ${all.length}`;
    const f = (n: number) => n.toFixed(2);
    return `${side} (${server}): ${valid.length}/${all.length} valid repeats; median of repeats: ${median(valid.map((r) => r.tps)).toFixed(1)} tps, p50 ${f(median(valid.map((r) => r.latencyMs.p50)))} ms, p99 ${f(median(valid.map((r) => r.latencyMs.p99)))} ms`;
  });
  lines.push(`baseline ${record.valid ? 'valid' : `INVALID: ${record.invalidReason ?? ''}`} (${record.engine}${record.engineVersion ? ` ${record.engineVersion}` : ''}, ${record.workload})`);
  return lines;
}
