import { escapeHtml as h } from '../escape.js';
import { isMeasured } from './pair-steps.js';
import { htmlPage } from '../html-page.js';
import { formatMs, formatPercent, formatRatio, increase, type Change } from './change.js';
import type { ComparedRun, PercentilePair, PlanComparison, RunComparison } from './comparison.js';
import { COMPARE_CSS } from './compare-style.js';
import { PERCENTILES } from './latency-percentiles.js';
import { baselineSection } from './baseline-html.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const dash = '—';
const fig = (v: number | null | undefined, f: (x: number) => string = n) => (v === null || v === undefined ? dash : h(f(v)));

/** A B/A ratio cell, red when B is worse by more than `noise` (a fraction), green when better. */
function ratioTd(c: Change | undefined, higherIsWorse = true, noise = 0.05): string {
  if (!c) return `<td class="num">${dash}</td>`;
  const rise = increase(c);
  const worse = higherIsWorse ? rise > noise : rise < -noise;
  const better = higherIsWorse ? rise < -noise : rise > noise;
  return `<td class="num${worse ? ' ratio-worse' : better ? ' ratio-better' : ''}">${h(formatRatio(c))}</td>`;
}

function runName(r: ComparedRun): string {
  return r.from && r.to ? `${r.from} → ${r.to}` : (r.to ?? r.from ?? 'version unknown');
}

function runsTable(c: RunComparison): string {
  const rows: [string, (r: ComparedRun) => string][] = [
    ['Directory', (r) => r.dir],
    ['Run', (r) => r.name],
    ['Method', (r) => r.method],
    ['Versions', runName],
    ['Verdict', (r) => r.verdict],
    ['Started', (r) => r.startedAt],
    ['Soak', (r) => (r.rate !== undefined ? `${r.rate}/s, ${r.workload ?? ''}` : dash)],
    ['cutover', (r) => r.toolVersion],
    ['Missing', (r) => r.missing.join(', ') || dash],
  ];
  return `<table>
<tr><th></th><th>A</th><th>B</th></tr>
${rows.map(([label, get]) => `<tr><th>${h(label)}</th><td>${h(get(c.a))}</td><td>${h(get(c.b))}</td></tr>`).join('\n')}
</table>`;
}

function thresholdRows(c: RunComparison): string[] {
  return c.gate.thresholds.map(
    (r) => `<tr>
<td><span class="badge ${r.passed ? 'status-ok' : 'sev-fail'}">${r.passed ? '✓' : '✗'}</span></td>
<td class="nowrap"><code>${h(`${r.metric}: '${r.threshold}'`)}</code></td>
<td><code>threshold</code></td>
<td>${h(r.shown)}${r.note ? ` <span class="muted">${h(r.note)}</span>` : ''}</td>
</tr>`,
  );
}

function gateSection(c: RunComparison): string {
  if (c.gate.results.length === 0 && c.gate.thresholds.length === 0) {
    return '<h2>Gate</h2>\n<p class="muted">No limits were set: the comparison is shown and the gate passes (see <code>cutover compare --help</code>).</p>';
  }
  const rows = c.gate.results.map(
    (r) => `<tr>
<td><span class="badge ${r.passed ? 'status-ok' : 'sev-fail'}">${r.passed ? 'ok' : 'fail'}</span></td>
<td class="nowrap"><code>${h(r.limit)}</code></td>
<td><code>${h(r.id)}</code></td>
<td>${h(r.message)}</td>
</tr>`,
  );
  rows.push(...thresholdRows(c));
  return `<h2>Gate <span class="verdict verdict-${h(c.gate.verdict)}">${h(c.gate.verdict.toUpperCase())}</span></h2>
<table>
<tr><th>Result</th><th>Limit</th><th>Finding</th><th>Message</th></tr>
${[...rows, ...thresholdRows(c)].join('\n')}
</table>`;
}

/** Two bars scaled to the larger of the pair: the ratio at a glance. */
function bars(c: Change): string {
  const top = Math.max(c.a, c.b);
  const width = (x: number) => (top > 0 ? ((100 * x) / top).toFixed(1) : '0');
  return `<td class="bars"><div class="bar bar-a" style="width:${width(c.a)}%"></div><div class="bar bar-b" style="width:${width(c.b)}%"></div></td>`;
}

function percentileRows(pair: PercentilePair, prefix = ''): string[] {
  return PERCENTILES.map(
    (p) =>
      `<tr><th>${h(prefix + p.label)}</th><td class="num">${h(formatMs(pair.a[p.key]))}</td><td class="num">${h(formatMs(pair.b[p.key]))}</td>${ratioTd(pair.change[p.key])}${bars(pair.change[p.key])}</tr>`,
  );
}

function latencySection(c: RunComparison): string {
  if (!c.latency) return '<h2>Latency</h2>\n<p class="muted">Not compared: a run has no timeline.ndjson.</p>';
  const { latency, lag } = c.latency.soak;
  const key = c.gate.limits.latencyPercentile;
  const label = PERCENTILES.find((p) => p.key === key)?.label ?? key;
  // Every paired step in run order, numbered (two steps may share a name); one no second overlapped shows dashes.
  const steps = [...c.latency.steps, ...c.latency.unmeasured]
    .sort((x, y) => x.numberA - y.numberA)
    .map(
      (s) => `<tr>
<td>${h(`${s.numberA}. ${s.nameA}`)}${s.nameA !== s.nameB || s.numberA !== s.numberB ? `<div class="details">B: ${h(`${s.numberB}. ${s.nameB}`)}</div>` : ''}</td>
<td><code>${h(s.action)}</code></td>
${
  isMeasured(s)
    ? `<td class="num">${h(formatMs(s.latency.a.p50))}</td><td class="num">${h(formatMs(s.latency.b.p50))}</td>
<td class="num">${h(formatMs(s.latency.a[key]))}</td><td class="num">${h(formatMs(s.latency.b[key]))}</td>${ratioTd(s.latency.change[key])}
<td class="num">${h(formatMs(s.lag.a.p99))}</td><td class="num">${h(formatMs(s.lag.b.p99))}</td>`
    : `<td class="num" colspan="7"><span class="muted">not measured: no second of the soak overlapped this step in one of the runs</span></td>`
}
</tr>`,
    );
  return `<h2>Latency</h2>
<p class="muted">Successful attempts, from their scheduled time, in milliseconds: the per-second HDR histograms (microseconds, three significant digits) merged over the whole soak of each run.
${n(latency.a.count)} successes in A, ${n(latency.b.count)} in B. <span class="legend-a"></span>A <span class="legend-b"></span>B</p>
<table>
<tr><th>Latency</th><th class="num">A, ms</th><th class="num">B, ms</th><th class="num">B/A</th><th></th></tr>
${percentileRows(latency).join('\n')}
<tr><th colspan="5">Schedule lag (send time minus due time)</th></tr>
${percentileRows(lag, 'lag ').join('\n')}
</table>
${
  steps.length > 0
    ? `<h2>Latency by step</h2>
<p class="muted">The seconds of the timeline that overlapped each step (one-second resolution, so a step shorter than a second shares its seconds with its neighbours); steps numbered as in each run, paired by position when both runs ran the same actions, else by name.</p>
<table>
<tr><th>Step</th><th>Action</th><th class="num">p50 A</th><th class="num">p50 B</th><th class="num">${h(label)} A</th><th class="num">${h(label)} B</th><th class="num">B/A</th><th class="num">lag p99 A</th><th class="num">lag p99 B</th></tr>
${steps.join('\n')}
</table>`
    : ''
}`;
}

function changeTd(ch: Change | undefined, unit = ''): string {
  if (!ch) return `<td class="num">${dash}</td>`;
  const cls = ch.delta > 0 ? ' ratio-worse' : ch.delta < 0 ? ' ratio-better' : '';
  return `<td class="num${cls}">${ch.delta > 0 ? '+' : ''}${h(n(ch.delta))}${h(unit)}</td>`;
}

function rateTd(ch: Change | undefined): string {
  if (!ch) return `<td class="num">${dash}</td>`;
  const rise = increase(ch);
  const cls = rise < -0.01 ? ' ratio-worse' : rise > 0.01 ? ' ratio-better' : '';
  return `<td class="num${cls}">${h(formatPercent(rise))}</td>`;
}

function throughputSection(c: RunComparison): string {
  const { load, ledger, errors } = c.throughput;
  const rate = (x: number) => x.toFixed(1);
  const ledgerRows = (['downtimeMs', 'outages', 'lost', 'unexpected', 'duplicated', 'late'] as const)
    .filter((k) => ledger.a[k] !== null || ledger.b[k] !== null)
    .map((k) => `<tr><th>${k === 'downtimeMs' ? 'Downtime, ms' : h(k[0]?.toUpperCase() + k.slice(1))}</th><td class="num">${fig(ledger.a[k])}</td><td class="num">${fig(ledger.b[k])}</td>${changeTd(ledger.change[k], k === 'downtimeMs' ? ' ms' : '')}</tr>`);
  const errorRows = errors.map((e) => `<tr><th>&nbsp;&nbsp;<code>${h(e.errorClass)}</code></th><td class="num">${h(n(e.a))}</td><td class="num">${h(n(e.b))}</td>${changeTd({ a: e.a, b: e.b, delta: e.b - e.a, ratio: null })}</tr>`);
  return `<h2>Throughput, errors and downtime</h2>
<p class="muted">Achieved rates over each run's whole timeline; downtime and ledger figures from run.json (the verified soak).</p>
<table>
<tr><th></th><th class="num">A</th><th class="num">B</th><th class="num">Change</th></tr>
<tr><th>Attempts per second</th><td class="num">${fig(load.a?.attemptRate, rate)}</td><td class="num">${fig(load.b?.attemptRate, rate)}</td>${rateTd(load.change.attemptRate)}</tr>
<tr><th>Successes per second</th><td class="num">${fig(load.a?.okRate, rate)}</td><td class="num">${fig(load.b?.okRate, rate)}</td>${rateTd(load.change.okRate)}</tr>
<tr><th>Attempts</th><td class="num">${fig(load.a?.attempts)}</td><td class="num">${fig(load.b?.attempts)}</td><td></td></tr>
<tr><th>Failed attempts</th><td class="num">${fig(load.a?.failed)}</td><td class="num">${fig(load.b?.failed)}</td>${changeTd(load.change.failed)}</tr>
${errorRows.join('\n')}
${ledgerRows.join('\n')}
</table>`;
}

function shapeLines(lines: readonly string[] | undefined): string {
  return (lines ?? []).map((l) => h(l)).join('\n');
}

function diffLines(lines: readonly string[]): string {
  // Each line is a block of its own, so no newline between them (it would add a blank line).
  return lines.map((l) => `<span class="${l.startsWith('+ ') ? 'diff-add' : l.startsWith('- ') ? 'diff-del' : 'diff-same'}">${h(l)}</span>`).join('');
}

function planRow(p: PlanComparison): string {
  if (p.status !== 'compared') {
    const why = p.status === 'only-a' ? 'only in A' : p.status === 'only-b' ? 'only in B' : (p.reason ?? 'failed');
    return `<tr><td><code>${h(p.name)}</code></td><td colspan="7" class="muted">${h(why)}</td></tr>`;
  }
  const badge = p.sameShape ? '<span class="badge status-ok">same</span>' : '<span class="badge sev-fail">changed</span>';
  return `<tr><td><code>${h(p.name)}</code></td><td>${badge}</td>
<td class="num">${fig(p.cost?.a, String)}</td><td class="num">${fig(p.cost?.b, String)}</td>${ratioTd(p.cost)}
<td class="num">${p.time ? `${h(formatMs(p.time.a))} <span class="muted">${h(p.time.kind)}</span>` : dash}</td><td class="num">${fig(p.time?.b, formatMs)}</td>${ratioTd(p.time, true, 0.5)}</tr>`;
}

function plansSection(c: RunComparison): string {
  if (c.plans.length === 0) return '<h2>Plans</h2>\n<p class="muted">No EXPLAIN baselines in either run (<code>explain.queries</code> in the configuration).</p>';
  const changed = c.plans.filter((p) => p.status === 'compared' && !p.sameShape);
  const details = changed.map(
    (p) => `<details open><summary>Plan of <code>${h(p.name)}</code> changed shape</summary>
<div class="plan-sides"><div><strong>A</strong><pre class="mono">${shapeLines(p.shapeA)}</pre></div><div><strong>B</strong><pre class="mono">${shapeLines(p.shapeB)}</pre></div></div>
<pre class="mono plan-diff">${diffLines(p.diff ?? [])}</pre></details>`,
  );
  return `<h2>Plans</h2>
<p class="muted">EXPLAIN baselines of each run's post-checks (<code>explain.baselines</code>): the plan's shape (node types, relations, indexes, joins), the planner's total cost, and the median execution time with ANALYZE, else the planning time (ms).
${changed.length} of ${c.plans.filter((p) => p.status === 'compared').length} compared plans changed shape.</p>
<table>
<tr><th>Baseline</th><th>Shape</th><th class="num">Cost A</th><th class="num">Cost B</th><th class="num">B/A</th><th class="num">Time A</th><th class="num">Time B</th><th class="num">B/A</th></tr>
${c.plans.map(planRow).join('\n')}
</table>
${details.join('\n')}`;
}

function findingsSection(c: RunComparison): string {
  const f = c.findings;
  if (!f.available.a && !f.available.b) return '<h2>Check differences</h2>\n<p class="muted">Not compared: neither run has findings.json.</p>';
  const sev = (s: string | undefined) => (s ? `<span class="badge sev-${h(s)}">${h(s)}</span>` : `<span class="muted">absent</span>`);
  const rows = f.differences.map(
    (d) => `<tr><td class="nowrap">${!d.a ? 'only in B' : !d.b ? 'only in A' : 'severity changed'}</td><td>${sev(d.a)}</td><td>${sev(d.b)}</td>
<td><code>${h(d.id)}</code></td><td>${h(d.object ?? '')}</td><td>${h(d.message)}</td></tr>`,
  );
  return `<h2>Check differences</h2>
<p class="muted">Findings of each run's diff, matched by finding id and object: ${f.unchanged} in both at the same severity, ${f.differences.length} different.</p>
${
  rows.length > 0
    ? `<table>
<tr><th>Where</th><th>A</th><th>B</th><th>Finding</th><th>Object</th><th>Message</th></tr>
${rows.join('\n')}
</table>`
    : ''
}`;
}

/**
 * The comparison page: self-contained (inline CSS, no scripts, nothing fetched), every value from
 * a run directory escaped.
 */
export function renderComparisonHtml(c: RunComparison): string {
  const title = `cutover compare: ${c.gate.verdict} — ${runName(c.a)} vs ${runName(c.b)}`;
  const notes = c.notes.length > 0 ? `<ul class="notes">${c.notes.map((x) => `<li>${h(x)}</li>`).join('')}</ul>` : '';
  return htmlPage(
    title,
    c.gate.verdict,
    `<style>${COMPARE_CSS}</style>
<p class="muted">Comparison of run A (${h(c.a.name)}, ${h(runName(c.a))}) with run B (${h(c.b.name)}, ${h(runName(c.b))}), generated ${h(c.generatedAt)} by cutover ${h(c.tool.version)}. Ratios are B/A.</p>
${notes}
<h2>Runs</h2>
${runsTable(c)}
${gateSection(c)}
${baselineSection(c.baseline)}
${c.baseline && !c.latency ? '' : latencySection(c)}
${c.baseline && !c.latency ? '' : throughputSection(c)}
${c.baseline && c.plans.length === 0 ? '' : plansSection(c)}
${c.baseline && !c.findings.available.a && !c.findings.available.b ? '' : findingsSection(c)}`,
    '',
    'cutover compare',
  );
}
