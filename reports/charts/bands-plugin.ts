import type { ChartType, Plugin } from 'chart.js';
import type { ChartBand } from './run-bands.js';

/** The plugin's options (`options.plugins.cutoverBands` of a chart configuration). */
export interface BandsPluginOptions {
  bands: ChartBand[];
  /** The y values are bytes: ticks and tooltips say kB, MB, GB. */
  bytes?: boolean;
}

declare module 'chart.js' {
  // The type parameter must match chart.js's own declaration, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    /** Steps, outages, degraded windows and writer changes drawn behind the datasets (reports/charts/bands-plugin.ts). */
    cutoverBands?: BandsPluginOptions | false;
  }
}

/**
 * The Chart.js plugin of the run charts, as JavaScript source: the page inlines this very text and
 * the PNG renderer evaluates it, so both draw the same thing, and it stays free of anything a build
 * adds to compiled functions. It draws the bands behind the datasets (`beforeDatasetsDraw`),
 * labelling steps at the top; it labels the x axis and tooltips as elapsed time (`m:ss`), bytes
 * as kB/MB/GB, and gives every y axis one width: the chart configurations are plain JSON, which
 * cannot carry the callbacks.
 */
export const BANDS_PLUGIN_SOURCE = String.raw`{
  id: 'cutoverBands',
  beforeInit: function (chart) {
    var elapsed = function (value) {
      var s = Math.round(Number(value));
      var sign = s < 0 ? '-' : '';
      s = Math.abs(s);
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
      var pad = function (n) { return n < 10 ? '0' + n : String(n); };
      return sign + (h ? h + ':' + pad(m) : String(m)) + ':' + pad(r);
    };
    var o = chart.config.options;
    o.scales = o.scales || {};
    o.scales.x = o.scales.x || {};
    o.scales.x.ticks = o.scales.x.ticks || {};
    o.scales.x.ticks.callback = function (value) { return elapsed(value); };
    // One width for every y axis, so that the charts of a page line up second for second.
    o.scales.y = o.scales.y || {};
    o.scales.y.ticks = o.scales.y.ticks || {};
    o.scales.y.afterFit = function (scale) { scale.width = Math.max(scale.width, 72); };
    o.plugins = o.plugins || {};
    o.plugins.tooltip = o.plugins.tooltip || {};
    var tips = o.plugins.tooltip.callbacks = o.plugins.tooltip.callbacks || {};
    tips.title = function (items) { return items.length ? 't+' + elapsed(items[0].parsed.x) : ''; };
    var own = o.plugins.cutoverBands;
    if (own && own.bytes) {
      var bytes = function (value) {
        var n = Number(value), units = ['B', 'kB', 'MB', 'GB', 'TB'], u = 0;
        while (Math.abs(n) >= 1000 && u < units.length - 1) { n /= 1000; u++; }
        return (u ? Number(n.toPrecision(3)) : n) + ' ' + units[u];
      };
      o.scales.y.ticks.callback = function (value) { return bytes(value); };
      tips.label = function (item) { return item.dataset.label + ': ' + bytes(item.parsed.y) + ' (' + item.parsed.y + ' bytes)'; };
    }
  },
  beforeDatasetsDraw: function (chart, _args, options) {
    var bands = (options && options.bands) || [];
    var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
    if (!x || !area || !bands.length) return;
    var fills = { step: ['rgba(37, 99, 235, 0.07)', 'rgba(13, 148, 136, 0.09)'], 'failed-step': ['rgba(234, 88, 12, 0.16)'], degraded: ['rgba(245, 158, 11, 0.30)'], outage: ['rgba(220, 38, 38, 0.35)'], writer: ['rgba(109, 40, 217, 0.9)'] };
    var order = { step: 0, 'failed-step': 0, degraded: 1, outage: 2, writer: 3 };
    var sorted = bands.slice().sort(function (a, b) { return order[a.kind] - order[b.kind]; });
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.font = '11px sans-serif';
    ctx.textBaseline = 'top';
    var steps = 0;
    sorted.forEach(function (b) {
      var x0 = Math.max(x.getPixelForValue(b.from), area.left);
      var x1 = Math.min(x.getPixelForValue(b.to), area.right);
      if (!(x1 >= area.left && x0 <= area.right)) return;
      // A 50 ms outage on an hour-long axis still gets two pixels.
      if (x1 - x0 < 2) { x0 -= 1; x1 = x0 + 2; }
      var colours = fills[b.kind] || fills.step;
      if (b.kind === 'writer') {
        // A writer change is an instant: a line, labelled at the foot of the chart.
        ctx.fillStyle = colours[0];
        ctx.fillRect(x0, area.top, 2, area.bottom - area.top);
        ctx.fillText(String(b.label), Math.min(x0 + 4, area.right - ctx.measureText(String(b.label)).width - 2), area.bottom - 14);
        return;
      }
      var isStep = b.kind === 'step' || b.kind === 'failed-step';
      ctx.fillStyle = colours[isStep ? steps % colours.length : 0];
      ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
      if (isStep) {
        ctx.fillStyle = 'rgba(71, 85, 105, 0.7)';
        ctx.fillRect(x0, area.top, 1, area.bottom - area.top);
        ctx.fillStyle = b.kind === 'failed-step' ? '#9a3412' : '#334155';
        var room = Math.max(x1 - x0 - 6, 90);
        var text = String(b.label);
        while (text.length > 1 && ctx.measureText(text).width > room) text = text.slice(0, -2) + '\u2026';
        ctx.fillText(text, x0 + 3, area.top + 3 + (steps % 3) * 13);
        steps++;
      }
    });
    ctx.restore();
  }
}`;

/** The plugin as an object, for Chart.js in Node (chartjs-node-canvas). */
export function bandsPlugin(): Plugin {
  // Evaluating the same source the page inlines is what keeps PNGs and the page alike.
  return new Function(`return (${BANDS_PLUGIN_SOURCE});`)() as Plugin;
}
