import type { MetricSeries } from '../../run/cloudwatch-record.js';
import { periodWords } from '../../run/cloudwatch-period.js';
import { line, lineChart, type Line, type RunChart } from './chart-configs.js';
import type { RunCharts } from './run-charts.js';

const ROLE_COLOURS: Record<string, string> = { blue: '#2563eb', green: '#16a34a', writer: '#7c3aed' };
const OTHER_COLOURS = ['#b45309', '#0369a1', '#be185d', '#0f766e', '#4d7c0f', '#9333ea'];

/** The y axis title of a unit; `bytes` also makes the bands plugin print kB/MB/GB. */
const UNIT_AXIS: Record<string, string> = { seconds: 'seconds', milliseconds: 'ms', bytes: 'bytes', percent: '%', count: 'count', 'per second': 'per second' };

/**
 * One chart per CloudWatch metric that has datapoints, a line per watched resource (role and
 * identifier), on the soak's time axis with the steps as bands. Each datapoint summarises a whole
 * period (a minute, usually): it is drawn as a flat step across that period, so nobody reads it as
 * a per-second figure. Nothing when the run fetched no metrics; one empty chart saying why when
 * it fetched but got no datapoints.
 */
export function cloudwatchCharts(data: RunCharts): RunChart[] {
  const record = data.cloudwatch;
  if (!record || record.status === 'skipped') return [];
  const withData = record.series.filter((s) => s.values.length > 0);
  if (!withData.length) {
    const why =
      record.status === 'error'
        ? `CloudWatch metrics could not be fetched: ${record.messages[record.messages.length - 1] ?? 'unknown error'}.`
        : 'CloudWatch returned no datapoints for the watched resources in the run window (see the CloudWatch section).';
    return [{ name: 'cloudwatch-metrics', title: 'CloudWatch metrics (AWS/RDS)', empty: why }];
  }
  const byMetric = new Map<string, MetricSeries[]>();
  for (const s of withData) byMetric.set(s.metric, [...(byMetric.get(s.metric) ?? []), s]);
  let other = 0;
  const colours = new Map<string, string>();
  const colourOf = (role: string) => {
    if (!colours.has(role)) colours.set(role, ROLE_COLOURS[role] ?? OTHER_COLOURS[other++ % OTHER_COLOURS.length]!);
    return colours.get(role)!;
  };
  const axis = { min: 0, max: Math.max(data.endSeconds, 1) };
  return [...byMetric.entries()].map(([metric, series]) => {
    const first = series[0]!;
    const title = `CloudWatch ${metric} (${UNIT_AXIS[first.unit] ?? first.unit}): ${first.stat} of each ${periodWords(first.period)} period (${first.period} s), not a per-second figure`;
    const datasets = series.map((s) =>
      // Points carry null where a period has no datapoint: a gap, not a line across it.
      line(`${s.role} (${s.identifier})`, stepPoints(s, data.startMs, axis) as Line['data'], colourOf(s.role), { stepped: 'before', pointHoverRadius: 4 }),
    );
    const config = lineChart(data, title, undefined, datasets, first.unit === 'bytes' ? 'bytes' : (UNIT_AXIS[first.unit] ?? first.unit));
    // Series of several resources do not share indexes: the tooltip shows the nearest point in time of each.
    config.options = { ...config.options, interaction: { mode: 'nearest', axis: 'x', intersect: false } };
    return { name: `cloudwatch-${slug(metric)}` as const, title, config };
  });
}

/**
 * A series as flat steps on the axis (seconds since `startMs`): each datapoint from the start of
 * its period to its end, then a gap (null) where the next period has no datapoint. Steps are cut
 * to the axis's `range`: Chart.js scales the y axis on the points inside the x range only, and a
 * minute that starts before the load would otherwise leave none there.
 */
export function stepPoints(s: Pick<MetricSeries, 'timestamps' | 'values' | 'period'>, startMs: number, range = { min: -Infinity, max: Infinity }): { x: number; y: number | null }[] {
  const steps = s.timestamps
    .map((iso, i) => {
      const from = (Date.parse(iso) - startMs) / 1000;
      return { from: Math.max(from, range.min), to: Math.min(from + s.period, range.max), y: s.values[i]! };
    })
    .filter((step) => step.to > step.from);
  const points: { x: number; y: number | null }[] = [];
  steps.forEach((step, i) => {
    const previous = steps[i - 1];
    if (previous && step.from > previous.to) points.push({ x: previous.to, y: null });
    points.push({ x: step.from, y: step.y });
    const next = steps[i + 1];
    if (!next || next.from > step.to) points.push({ x: step.to, y: step.y });
  });
  return points;
}

/** `OldestReplicationSlotLag` -> `oldest-replication-slot-lag`, `CPUUtilization` -> `cpu-utilization`: a file name. */
export function slug(metric: string): string {
  return metric
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-');
}
