import { type BaselineRecord, type BaselineRepeat, repeatName } from '../run/baseline-record.js';
import type { RunManifest } from '../run/manifest.js';
import { escapeHtml as h } from './escape.js';

/**
 * A comparison of two baselines rendered as HTML (the statistics of `cutover compare`: bootstrap
 * intervals, significance). Given by the caller when it has one; the section shows both
 * baselines either way.
 */
export type BaselineComparisonHtml = (a: BaselineRecord, b: BaselineRecord, labels: { a: string; b: string }) => string | undefined;

const ms = (n: number) => n.toFixed(2);

function repeatRow(r: BaselineRepeat, label: string, all: readonly BaselineRepeat[]): string {
  const lag = r.lagMs ? ms(r.lagMs.p99) : '—';
  const status = r.valid ? 'valid' : `<span class="fail">invalid</span>: ${h(r.invalidReason ?? '')}`;
  return `<tr${r.valid ? '' : ' class="invalid"'}><td>${h(label)}${h(repeatName(all, r))}</td><td>${h(r.server)}</td><td class="num">${r.tps.toFixed(1)}</td><td class="num">${ms(r.latencyMs.p50)}</td><td class="num">${ms(r.latencyMs.p95)}</td><td class="num">${ms(r.latencyMs.p99)}</td><td class="num">${ms(r.latencyMs.max)}</td><td class="num">${lag}</td><td class="num">${r.transactions.toLocaleString('en-US')}</td><td class="num">${r.errors}</td><td class="num">${r.abortedClients}</td><td>${status}</td><td><code>${h(r.timeline)}</code></td></tr>`;
}

/** One baseline: how it ran, then a row per repeat (in the order they ran). */
export function baselineTableHtml(b: BaselineRecord, label = ''): string {
  const how = [
    `${b.engine}${b.engineVersion ? ` ${b.engineVersion}` : ''}`,
    `workload ${b.workload}`,
    b.rate === null ? 'max rate' : `${b.rate}/s`,
    `${b.clients} clients`,
    `${b.repeat} × ${b.durationMs / 1000} s per side (+${b.warmupMs / 1000} s warm-up, left out)`,
    ...(b.schema ? [`schema ${b.schema}`] : []),
    ...(b.scale !== undefined ? [`scale ${b.scale}`] : []),
  ].join(', ');
  const verdict = b.valid ? '<p>Every repeat is valid.</p>' : `<p class="fail"><strong>Invalid baseline</strong>: ${h(b.invalidReason ?? '')}. Its figures are shown, not to be compared.</p>`;
  return `<p class="muted">${h(how)}. Latency in ms from each transaction's scheduled start; TPS over the steady seconds.</p>
${verdict}
<table class="windows baseline">
<thead><tr><th>Repeat</th><th>Server</th><th>TPS</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>lag p99</th><th>Transactions</th><th>Errors</th><th>Aborted clients</th><th>Status</th><th>Timeline</th></tr></thead>
<tbody>
${b.repeats.map((r) => repeatRow(r, label, b.repeats)).join('\n')}
</tbody>
</table>`;
}

/**
 * The baselines of a run: a `cutover baseline` run's (`baseline`), or a rehearsal's on blue before
 * its steps and on green after them (`baselines`), with the comparison when one is given.
 */
export function baselineSectionHtml(run: RunManifest, compare?: BaselineComparisonHtml): string | undefined {
  const parts: string[] = [];
  if (run.baseline) {
    parts.push(baselineTableHtml(run.baseline));
    // `--against`: both sides in one record, compared side by side when a comparison is given.
    const side = (s: 'a' | 'b') => ({ ...run.baseline!, repeats: run.baseline!.repeats.filter((r) => r.side === s) });
    const sides = side('b').repeats.length ? compare?.(side('a'), side('b'), { a: 'a', b: 'b' }) : undefined;
    if (sides) parts.push(`<h3>A against B</h3>\n${sides}`);
  }
  const { blue, green } = run.baselines ?? {};
  if (blue) parts.push(`<h3>Blue, before the steps</h3>\n${baselineTableHtml(blue, 'blue ')}`);
  else if (run.baselines) parts.push('<h3>Blue, before the steps</h3>\n<p class="muted">Not measured (the run stopped before it).</p>');
  if (green) parts.push(`<h3>Green, after the steps</h3>\n${baselineTableHtml(green, 'green ')}`);
  else if (run.baselines) parts.push('<h3>Green, after the steps</h3>\n<p class="muted">Not measured (the run stopped before it, or a step failed).</p>');
  if (!parts.length) return undefined;
  const comparison = blue && green && compare ? compare(blue, green, { a: 'blue', b: 'green' }) : undefined;
  return `<h2 id="baseline">Baseline</h2>\n${parts.join('\n')}${comparison ? `\n<h3>Blue against green</h3>\n${comparison}` : ''}`;
}
