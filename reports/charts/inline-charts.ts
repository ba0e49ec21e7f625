import { escapeHtml as h } from '../escape.js';
import { BANDS_PLUGIN_SOURCE } from './bands-plugin.js';
import { chartConfigs, type RunChart } from './chart-configs.js';
import { chartJsBundle } from './chartjs-bundle.js';
import type { RunCharts } from './run-charts.js';

/** Styles of the charts section, screen and print (the section carries them in its own style element). */
export const CHARTS_CSS = `
.charts .chart { margin: 0 0 1.2em; }
.charts .chart-box { position: relative; height: 260px; }
.charts .chart-empty { color: #475569; font-style: italic; }
.charts .chart-key { color: #475569; font-size: 0.9em; }
@media print {
  .charts .chart { break-inside: avoid; page-break-inside: avoid; }
  .charts .chart-box { height: 230px; }
}
`;

/**
 * JSON for a script element: `<` becomes `\u003c`, so no value (a step named `</script>`) can close
 * the element or open a comment; JSON.parse reads it back unchanged.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// Creates the charts from the embedded configurations with the bands plugin; resizes them for
// printing (Chart.js sizes a canvas for the screen it was drawn on).
const CREATE_CHARTS = `(function () {
  var source = document.getElementById('cutover-charts-data');
  if (!source || typeof Chart === 'undefined') return;
  var bands = ${BANDS_PLUGIN_SOURCE};
  var charts = [];
  JSON.parse(source.textContent).forEach(function (c) {
    var canvas = document.getElementById('cutover-chart-' + c.name);
    if (canvas) charts.push(new Chart(canvas, { type: c.config.type, data: c.config.data, options: c.config.options, plugins: [bands] }));
  });
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(680, 230); }); });
  window.addEventListener('afterprint', function () { charts.forEach(function (c) { c.resize(); }); });
})();`;

/**
 * The charts section of the run report: a canvas per chart drawn by Chart.js (inlined, nothing
 * from the network) from configurations embedded as JSON, and a sentence where there is nothing
 * to draw. Pass what `loadRunCharts` read from the run directory.
 */
export function chartsSectionHtml(data: RunCharts, o: { charts?: RunChart[] } = {}): string {
  const charts = o.charts ?? chartConfigs(data);
  const drawn = charts.filter((c) => c.config);
  const figures = charts
    .map((c) =>
      c.config
        ? `<figure class="chart"><div class="chart-box"><canvas id="cutover-chart-${h(c.name)}" role="img" aria-label="${h(c.title)}">${h(c.title)}</canvas></div></figure>`
        : `<figure class="chart chart-empty"><figcaption>${h(c.title)}</figcaption><p>${h(c.empty ?? 'Nothing to chart.')}</p></figure>`,
    )
    .join('\n');
  const scripts = drawn.length
    ? `<noscript><p class="chart-empty">The charts need JavaScript; the same charts are kept as PNG files in charts/ beside this report.</p></noscript>
<script type="application/json" id="cutover-charts-data">${scriptSafeJson(drawn.map((c) => ({ name: c.name, config: c.config })))}</script>
<script>${chartJsBundle()}</script>
<script>${CREATE_CHARTS}</script>`
    : '';
  return `<section class="charts" id="charts">
<style>${CHARTS_CSS}</style>
<h2>Charts</h2>
${drawn.length ? '<p class="chart-key">Time runs from the start of the load (m:ss). Steps are shaded bands named at the top; outages are red, degraded windows amber.</p>\n' : ''}${figures}
${scripts}
</section>`;
}
