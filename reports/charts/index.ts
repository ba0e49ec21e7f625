export { loadRunCharts, type RunCharts } from './run-charts.js';
export { chartConfigs, type ChartName, type RunChart } from './chart-configs.js';
export { chartsSectionHtml, scriptSafeJson, CHARTS_CSS } from './inline-charts.js';
export { writePngCharts, type PngChartsResult } from './png-charts.js';
export { readTimelineSeries, timelineSeries, type TimelineSeries } from './timeline-series.js';
export { readReplicationLag, type ReplicationLagSeries } from './replication-lag-series.js';
export { runBands, type BandKind, type ChartBand } from './run-bands.js';
export { BANDS_PLUGIN_SOURCE, bandsPlugin, type BandsPluginOptions } from './bands-plugin.js';
export { PercentileReader } from './histogram-percentiles.js';
