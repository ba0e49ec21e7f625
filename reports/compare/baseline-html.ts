import { escapeHtml as h } from '../escape.js';
import type { BaselineComparison, BaselineSide, MetricDifference } from './baseline-comparison.js';
import { figureText, floorText, intervalText, ratioText, verdictText } from './baseline-format.js';

/** Where the interval lies on a log scale from 1/4x to 4x, 1x in the middle: a glance at "does it cross 1". */
function intervalBar(m: MetricDifference): string {
  if (!m.stats) return '<td></td>';
  const pos = (r: number) => Math.min(100, Math.max(0, 50 + (Math.log(r) / Math.log(4)) * 50));
  const lo = pos(m.stats.interval.low);
  const hi = pos(m.stats.interval.high);
  const mid = pos(m.stats.ratio);
  const cls = m.worse ? 'ci-worse' : m.significant ? 'ci-better' : 'ci-same';
  return `<td class="ci"><div class="ci-track"><div class="ci-one"></div><div class="ci-range ${cls}" style="left:${lo.toFixed(1)}%;width:${Math.max(0.5, hi - lo).toFixed(1)}%"></div><div class="ci-mid" style="left:${mid.toFixed(1)}%"></div></div></td>`;
}

function sideRow(s: BaselineSide): string {
  return `<tr><th>${h(s.label)}</th><td>${h(s.source)}</td><td>${h(s.engine)}</td><td>${h(s.workload)}</td><td class="num">${h(s.rate === null ? 'max' : `${s.rate}/s`)}</td><td class="num">${s.clients}</td><td class="num">${s.valid} of ${s.repeats.length}</td><td class="num">${h((s.durationMs / 1000).toString())} s</td></tr>`;
}

/** The baseline section of the comparison page; `heading` false: the figures alone, for a run's report. */
export function baselineSection(c: BaselineComparison | null, heading = true): string {
  if (!c) return '';
  const level = `${Number((c.confidence * 100).toPrecision(4))}%`;
  const figures = c.metrics.map(
    (m) => `<tr><th>${h(m.label)}</th><td class="num">${h(figureText(m, m.a))}</td><td class="num">${h(figureText(m, m.b))}</td>
<td class="num${m.worse ? ' ratio-worse' : m.significant ? ' ratio-better' : ''}">${h(m.a > 0 ? ratioText(m.b / m.a) : '—')}</td>
<td class="num">${h(m.stats ? intervalText(m, c.confidence) : '—')}</td><td class="num">${h(m.stats ? floorText(m.stats.noiseFloor) : '—')}</td>
${intervalBar(m)}<td>${h(m.judged ? verdictText(m) : `not judged: ${m.reason ?? ''}`)}</td></tr>`,
  );
  const repeats = [...c.a.repeats.map((r) => ({ r, side: c.a.label })), ...c.b.repeats.map((r) => ({ r, side: c.b.label }))]
    .sort((x, y) => x.r.index - y.r.index)
    .map(
      ({ r, side }) =>
        `<tr><td class="num">${r.index}</td><td>${h(side)}</td><td>${h(r.server)}</td><td class="num">${h(r.tps.toFixed(1))}</td><td class="num">${h(String(Number(r.p50Ms.toPrecision(3))))}</td><td class="num">${h(String(Number(r.p99Ms.toPrecision(3))))}</td><td>${r.valid ? 'valid' : `<span class="badge sev-warn">invalid</span> ${h(r.invalidReason ?? '')}`}</td></tr>`,
    );
  const head = heading
    ? `<h2>Baselines</h2>
<table>
<tr><th></th><th>Source</th><th>Engine</th><th>Workload</th><th class="num">Rate</th><th class="num">Clients</th><th class="num">Valid repeats</th><th class="num">Each</th></tr>
${sideRow(c.a)}
${sideRow(c.b)}
</table>`
    : '';
  const notes = c.notes.length > 0 ? `<ul class="notes">${c.notes.map((x) => `<li>${h(x)}</li>`).join('')}</ul>` : '';
  return `${head}${notes}
<p class="muted">Each difference is B/A with its interval at ${h(level)} for the ${c.figures} figures together (each at ${h(((1 - (1 - c.confidence) / c.figures) * 100).toFixed(2))}%): a hierarchical bootstrap (${c.iterations} iterations, seed ${c.seed}) resampling repeats, then seconds within them, widened to the noise floor the spread between repeats allows (Welch's t). A difference is significant when its interval excludes 1x; the bar spans ¼x to 4x, 1x in the middle.</p>
<table>
<tr><th>Figure</th><th class="num">A</th><th class="num">B</th><th class="num">B/A</th><th class="num">Interval</th><th class="num">Noise floor</th><th></th><th>Verdict</th></tr>
${figures.join('\n')}
</table>
${heading ? `<details><summary>Repeats, in the order they ran</summary>
<table>
<tr><th class="num">#</th><th>Side</th><th>Server</th><th class="num">TPS</th><th class="num">p50, ms</th><th class="num">p99, ms</th><th></th></tr>
${repeats.join('\n')}
</table>
</details>` : ''}`;
}
