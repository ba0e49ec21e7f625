import type { CloudWatchRecord, MetricSeries } from '../../run/cloudwatch-record.js';
import { periodWords } from '../../run/cloudwatch-period.js';
import type { RunManifest } from '../../run/manifest.js';
import { escapeHtml as h } from '../escape.js';
import { noteHtml, plural, sectionHtml } from './section.js';

const STATUS_TEXT: Record<MetricSeries['status'], string> = { ok: 'ok', empty: 'no datapoints', partial: 'partial', error: 'not fetched' };
const time = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');

/**
 * The CloudWatch section of the run report: the metric period said plainly (a one-minute
 * average is not a per-second figure), a table of each watched metric per step (its highest or
 * lowest datapoint in the step's window), the series that came back empty or failed, the fetch's
 * warnings, and what the soak published. Everything from the run directory is escaped.
 */
export function cloudwatchSectionHtml(record: CloudWatchRecord, run?: RunManifest): string {
  const parts: string[] = [];
  if (record.status === 'skipped') parts.push(noteHtml('No CloudWatch metrics were fetched: the scenario\u2019s aws block watches no instance or cluster.'));
  else parts.push(periodNote(record), fetchSummary(record));
  const messages = [...new Set(record.messages)];
  if (messages.length) parts.push(`<ul class="cw-messages">${messages.map((m) => `<li>${h(m)}</li>`).join('')}</ul>`);
  const withData = record.series.filter((s) => s.values.length > 0);
  if (withData.length) parts.push(stepTable(withData, run));
  else if (record.status !== 'skipped') parts.push(noteHtml(record.status === 'error' ? 'No datapoints: the metrics could not be fetched (see the messages above).' : 'No datapoints: CloudWatch has none for the watched resources in the run window.'));
  const missing = record.series.filter((s) => s.status !== 'ok');
  if (missing.length) parts.push(missingTable(missing));
  if (record.publish) parts.push(publishHtml(record.publish));
  return sectionHtml('cloudwatch', 'CloudWatch metrics (AWS/RDS)', parts.join('\n'), 'cloudwatch');
}

/** The period, said so that a minute's figure is never read as a second's. */
function periodNote(r: CloudWatchRecord): string {
  const period = r.period ?? r.series[0]?.period;
  if (!period) return '';
  const stats = [...new Set(r.series.map((s) => s.stat))];
  const words = periodWords(period);
  const stat = stats.length === 1 ? `${stats[0]!.toLowerCase()}` : `${stats.map((s) => s.toLowerCase()).join(' or ')} (named per metric)`;
  return `<p class="rs-soak-note cw-period"><strong>CloudWatch period ${h(period)} s</strong>: each point is a ${h(words)} ${h(stat)}; do not read it as a per-second figure. The soak\u2019s own figures (charts above, step table) are per second. A step shorter than the period shares its datapoint with what ran before and after it.</p>`;
}

function fetchSummary(r: CloudWatchRecord): string {
  const counts = (status: MetricSeries['status']) => r.series.filter((s) => s.status === status).length;
  const where = [r.engine ? `engine ${r.engine}` : '', r.region ? `region ${r.region}` : '', r.endpoint ? `endpoint ${r.endpoint}` : ''].filter(Boolean).join(', ');
  const window = r.window ? ` over ${time(r.window.start)} to ${time(r.window.end)}` : '';
  const throttled = r.throttled ? `; throttled ${plural(r.throttled, 'time')} (retried with backoff)` : '';
  return noteHtml(
    `${plural(r.series.length, 'series', 'series')} fetched${window}${where ? ` (${where})` : ''} in ${plural(r.requests, 'GetMetricData request')}${throttled}: ${counts('ok')} with datapoints, ${counts('empty')} no datapoints, ${counts('partial')} partial, ${counts('error')} not fetched.`,
  );
}

/** Rows: metric and resource; columns: each step, then the whole run. */
function stepTable(series: MetricSeries[], run: RunManifest | undefined): string {
  const steps = (run?.steps ?? []).filter((s) => s.status !== 'skipped');
  const windows = [...steps.map((s) => ({ label: s.name, from: Date.parse(s.startedAt), to: Date.parse(s.endedAt) })), { label: 'whole run', from: -Infinity, to: Infinity }];
  const head = `<tr><th>Metric</th><th>Resource</th><th>Figure</th>${windows.map((w) => `<th class="num">${h(w.label)}</th>`).join('')}</tr>`;
  const rows = series.map((s) => {
    const cells = windows.map((w) => {
      const v = summarise(s, w.from, w.to);
      return `<td class="num">${v === undefined ? '<span class="muted">—</span>' : h(formatValue(v, s.unit))}</td>`;
    });
    return `<tr><td><code>${h(s.metric)}</code></td><td>${h(s.role)} <span class="mono">${h(s.identifier)}</span></td><td>${h(s.summary)} of ${h(s.stat.toLowerCase())}</td>${cells.join('')}</tr>`;
  });
  return `<h3>Per step</h3>
<p class="muted">Each cell is the highest (max) or lowest (min) datapoint whose period overlaps the step.</p>
<table class="rs-table cw-steps">
<thead>${head}</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The max or min of the datapoints whose period overlaps [from, to]; undefined when none does. */
export function summarise(s: Pick<MetricSeries, 'timestamps' | 'values' | 'period' | 'summary'>, from: number, to: number): number | undefined {
  let out: number | undefined;
  s.timestamps.forEach((iso, i) => {
    const start = Date.parse(iso);
    if (!(start < to && start + s.period * 1000 > from)) return;
    const v = s.values[i]!;
    out = out === undefined ? v : s.summary === 'max' ? Math.max(out, v) : Math.min(out, v);
  });
  return out;
}

/** A value in its unit, three significant digits; bytes in kB/MB/GB. */
export function formatValue(v: number, unit: MetricSeries['unit']): string {
  const n = (x: number) => (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(3))));
  switch (unit) {
    case 'bytes': {
      const units = ['B', 'kB', 'MB', 'GB', 'TB'];
      let x = v;
      let u = 0;
      while (Math.abs(x) >= 1000 && u < units.length - 1) {
        x /= 1000;
        u++;
      }
      return `${u ? Number(x.toPrecision(3)) : Math.round(x)} ${units[u]}`;
    }
    case 'seconds':
      return `${n(v)} s`;
    case 'milliseconds':
      return `${n(v)} ms`;
    case 'percent':
      return `${n(v)} %`;
    case 'per second':
      return `${n(v)}/s`;
    default:
      return n(v);
  }
}

function missingTable(series: MetricSeries[]): string {
  const rows = series.map(
    (s) =>
      `<tr><td><code>${h(s.metric)}</code></td><td>${h(s.role)} <span class="mono">${h(s.identifier)}</span></td><td>${h(STATUS_TEXT[s.status])}${s.values.length ? ` (${plural(s.values.length, 'datapoint')})` : ''}</td><td>${h([...new Set(s.messages)].join('; ') || '—')}</td></tr>`,
  );
  return `<h3>Without datapoints, or incomplete</h3>
<table class="rs-table cw-missing">
<thead><tr><th>Metric</th><th>Resource</th><th>Status</th><th>Why</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function publishHtml(p: NonNullable<CloudWatchRecord['publish']>): string {
  const dims = Object.entries(p.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const problems = p.failedRequests ? ` ${plural(p.failedRequests, 'request')} failed; ${plural(p.dropped, 'datapoint')} not published.` : '';
  return `<h3>Published by the soak</h3>
<p>The soak put ${plural(p.published, 'datapoint')} (${h(p.metrics.join(', '))}, one per second, high resolution) to namespace <code>${h(p.namespace)}</code> with dimensions <code>${h(dims || 'none')}</code> in ${plural(p.requests, 'PutMetricData request')}, every ${h(p.intervalMs / 1000)} s.${h(problems)}</p>
${p.errors.length ? `<ul class="cw-messages">${p.errors.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : ''}`;
}
