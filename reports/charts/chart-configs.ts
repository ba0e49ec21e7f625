import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { RunCharts } from './run-charts.js';
import { cloudwatchCharts } from './cloudwatch-charts.js';

export type ChartName = 'throughput' | 'latency' | 'schedule-lag' | 'replication-lag' | 'standby-lag' | `cloudwatch-${string}`;

/** One chart of the report: a Chart.js configuration (plain JSON), or why there is nothing to draw. */
export interface RunChart {
  /** Also the PNG's file name: `charts/<name>.png`. */
  name: ChartName;
  /**
   * What the chart shows; for an empty chart only its subject, since a caption describing the
   * data (the subscription's WAL, the sampling) must not stand over a sentence saying there is none.
   */
  title: string;
  config?: ChartConfiguration<'line'>;
  /** Set instead of `config` when there is nothing to chart, saying why. */
  empty?: string;
}

export type Line = ChartDataset<'line', (number | null)[] | { x: number; y: number }[]>;

const CLASS_COLOURS = ['#b91c1c', '#c2410c', '#a16207', '#be185d', '#7e22ce', '#0f766e'];

/**
 * The four charts of a run over its time axis (seconds since the load's start, steps and outages
 * as bands): attempts, successes and errors per second; latency p50/p95/p99; schedule lag;
 * replication lag. The same configurations feed the page (Chart.js) and the PNGs.
 */
export function chartConfigs(data: RunCharts): RunChart[] {
  const t = data.timeline;
  const per = t && t.pointSeconds > 1 ? ` (each point ${t.pointSeconds} s; rates averaged, percentiles of the merged histograms)` : '';
  const noLoad = 'No load ran during this run: there is no timeline to chart.';
  const charts: RunChart[] = [];

  const throughputTitle = `Attempts, successes and errors per second${per}`;
  if (t) {
    const classes = Object.keys(t.errorsByClass);
    const datasets: Line[] = [
      line('attempts', t.attempts, '#64748b'),
      line('ok', t.ok, '#16a34a'),
      line('errors', t.errors, '#dc2626', { borderWidth: 2 }),
      // One class is the total already; several are shown each on their own.
      ...(classes.length > 1 ? classes.map((c, i) => line(`errors: ${c}`, t.errorsByClass[c]!, CLASS_COLOURS[i % CLASS_COLOURS.length]!, { borderDash: [4, 3] })) : []),
    ];
    if (classes.length === 1) datasets[2]!.label = `errors (${classes[0]})`;
    charts.push({ name: 'throughput', title: throughputTitle, config: lineChart(data, throughputTitle, t.seconds, datasets, 'per second') });
  } else {
    charts.push({ name: 'throughput', title: 'Attempts, successes and errors', empty: noLoad });
  }

  const latencyTitle = `Latency of successful attempts, ms${per}`;
  if (t) {
    const datasets = [line('p50', t.latencyP50Ms, '#2563eb'), line('p95', t.latencyP95Ms, '#9333ea'), line('p99', t.latencyP99Ms, '#dc2626')];
    charts.push({ name: 'latency', title: latencyTitle, config: lineChart(data, latencyTitle, t.seconds, datasets, 'ms') });
  } else {
    charts.push({ name: 'latency', title: 'Latency', empty: noLoad });
  }

  const lagTitle = `Schedule lag (send time minus due time), p99, ms${per}`;
  if (t) {
    charts.push({ name: 'schedule-lag', title: lagTitle, config: lineChart(data, lagTitle, t.seconds, [line('schedule lag p99', t.lagP99Ms, '#0d9488')], 'ms') });
  } else {
    charts.push({ name: 'schedule-lag', title: 'Schedule lag', empty: noLoad });
  }

  const physical = data.replication.filter((r) => r.physical);
  const logical = data.replication.filter((r) => !r.physical);
  const replicationTitle = physical.length
    ? logical.length
      ? 'Replication lag: bytes of WAL not yet confirmed by each subscription, or replayed by each standby (sampled about once a second)'
      : 'Replication lag: bytes of the primary\u2019s WAL not yet replayed by each standby (pg_stat_replication, sampled about once a second)'
    : 'Replication lag: bytes of blue\u2019s WAL not yet confirmed by the subscription (sampled about once a second)';
  const colours = ['#7c3aed', '#0369a1', '#b45309'];
  if (data.replication.length) {
    const datasets: Line[] = data.replication.map((r, i) =>
      // Points for a few samples (a short replication), a plain line for many.
      line(data.replication.length > 1 || r.physical ? `lag, ${r.slot}` : 'lag', r.seconds.map((x, k) => ({ x, y: r.lagBytes[k]! })), colours[i % 3]!, { pointRadius: r.seconds.length > 60 ? 0 : 2 }),
    );
    charts.push({ name: 'replication-lag', title: replicationTitle, config: lineChart(data, replicationTitle, undefined, datasets, 'bytes') });
  } else {
    charts.push({ name: 'replication-lag', title: 'Replication lag', empty: 'No replication to chart: no step of this run replicated (the logical blue/green and streaming standbys record their lag in replication-lag.ndjson).' });
  }
  if (physical.length) {
    const standbyTitle = 'Standby lag, ms: write, flush and replay lag of each standby as the primary reports it (pg_stat_replication; empty while a standby is caught up and idle)';
    const datasets: Line[] = physical.flatMap((r, i) => {
      const points = (values: (number | null)[]) => r.seconds.flatMap((x, k) => (values[k] === null || values[k] === undefined ? [] : [{ x, y: values[k]! }]));
      const colour = colours[i % 3]!;
      const p = r.physical!;
      return [
        line(`write, ${r.slot}`, points(p.writeLagMs), colour, { borderDash: [2, 2], pointRadius: 1 }),
        line(`flush, ${r.slot}`, points(p.flushLagMs), colour, { borderDash: [6, 3], pointRadius: 1 }),
        line(`replay, ${r.slot}`, points(p.replayLagMs), colour, { pointRadius: 2 }),
      ];
    });
    charts.push({ name: 'standby-lag', title: standbyTitle, config: lineChart(data, standbyTitle, undefined, datasets, 'ms') });
  }
  charts.push(...cloudwatchCharts(data));
  return charts;
}

export function line(label: string, data: Line['data'], colour: string, extra: Partial<Line> = {}): Line {
  return { label, data, borderColor: colour, backgroundColor: colour, borderWidth: 1.5, pointRadius: 0, pointHoverRadius: 3, spanGaps: false, ...extra } as Line;
}

export function lineChart(data: RunCharts, title: string, labels: number[] | undefined, datasets: Line[], unit: string): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: { ...(labels ? { labels } : {}), datasets } as ChartConfiguration<'line'>['data'],
    options: {
      // Nothing moves: a printed or screenshotted page shows the final chart.
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'linear', min: 0, max: Math.max(data.endSeconds, 1), title: { display: true, text: 'time since the load started (m:ss)' }, ticks: { stepSize: tickStep(data.endSeconds), maxTicksLimit: 14, includeBounds: false } },
        // Headroom above the highest point for the step names drawn at the top.
        y: { type: 'linear', beginAtZero: true, grace: '10%', title: { display: true, text: unit } },
      },
      plugins: {
        title: { display: true, text: title, align: 'start' },
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        cutoverBands: { bands: data.bands, ...(unit === 'bytes' ? { bytes: true } : {}) },
      },
    },
  };
}

/** Tick spacing of the time axis in seconds, a round amount of time giving at most about a dozen ticks. */
export function tickStep(seconds: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  return steps.find((s) => seconds / s <= 12) ?? Math.ceil(seconds / 12 / 86400) * 86400;
}
