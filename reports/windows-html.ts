import type { RunManifest } from '../run/manifest.js';
import { escapeHtml as h } from './escape.js';
import type { ErrorSample } from '../load/error-samples.js';
import type { SoakRecord } from '../load/soak-record.js';
import { writerChangesHtml } from './writer-changes-html.js';

/** Every message the soak kept, the load's first, each with its lane. */
function messagesOf(soak: SoakRecord): (ErrorSample & { lane: string })[] {
  return [
    ...(soak.load?.errorMessages?.samples ?? []).map((s) => ({ ...s, lane: 'load' })),
    ...(soak.probe?.errorMessages?.samples ?? []).map((s) => ({ ...s, lane: 'probe' })),
  ];
}

/** A class of an outage row with its first message, so `other` never stands alone. */
function classCell(cls: string, count: number, messages: readonly ErrorSample[]): string {
  const first = messages.find((m) => m.errorClass === cls);
  const words = first ? ` <span class="error-message">${h(first.sqlState ? `${first.sqlState}: ` : '')}${h(first.message)}</span>` : '';
  return `<code>${h(cls)}</code> ×${count}${words}`;
}

/** The distinct messages behind the error classes: SQLSTATE, message, first seen, count, lane. */
function errorsTableHtml(soak: SoakRecord): string {
  const messages = messagesOf(soak);
  if (messages.length === 0) return '';
  const rows = messages.map(
    (m) => `<tr><td><code>${h(m.errorClass)}</code></td><td>${h(m.sqlState ?? '—')}</td><td class="error-message">${h(m.message)}</td><td class="nowrap">${h(time(m.firstSeen))}</td><td class="num">${m.count.toLocaleString('en-US')}</td><td>${h(m.lane)}</td></tr>`,
  );
  let unsampled = 0;
  for (const u of [soak.load?.errorMessages?.unsampled, soak.probe?.errorMessages?.unsampled]) for (const n of Object.values(u ?? {})) unsampled += n ?? 0;
  return `<p>Errors by message (at most 5 per class, 20 in all${unsampled ? `; ${unsampled.toLocaleString('en-US')} failures had other messages, not kept` : ''}).</p>
<table class="windows errors">
<thead><tr><th>Error class</th><th>SQLSTATE</th><th>Message</th><th>First seen</th><th>Count</th><th>Lane</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The step a window overlaps most, or "between steps". */
function stepOf(run: RunManifest, start: string, end: string): string {
  const a = Date.parse(start);
  const b = Math.max(Date.parse(end), a);
  let best: { name: string; overlap: number } | undefined;
  for (const s of run.steps) {
    const overlap = Math.min(b, Date.parse(s.endedAt)) - Math.max(a, Date.parse(s.startedAt));
    if (overlap >= 0 && (!best || overlap > best.overlap)) best = { name: s.name, overlap };
  }
  return best?.name ?? 'outside the steps';
}

const time = (iso: string) => iso.replace('T', ' ').replace('Z', ' UTC');

/**
 * Outage windows (attempts failed) and degraded windows (attempts succeeded, slowly) of the
 * soak, each with its step, error classes and the resolution its figure has.
 */
export function windowsSectionHtml(run: RunManifest): string {
  const soak = run.soak;
  const summary = soak?.summary;
  if (!soak) return '<h2 id="windows">Outages and degraded windows</h2>\n<p class="muted">No soak ran in this run, so nothing measured client downtime.</p>';
  // A soak that started but was never verified (its harness stopped): its windows are not settled.
  if (!summary) return '<h2 id="windows">Outages and degraded windows</h2>\n<p class="muted">A soak ran, but its ledger was never verified, so its outages are not settled here: <code>cutover verify --run-dir DIR --db URL --record</code> computes and records them.</p>';
  const messages = messagesOf(soak);
  const outages = summary.outages.map(
    (o) => `<tr>
<td class="nowrap">${h(time(o.start))}</td><td class="nowrap">${h(time(o.end))}</td>
<td class="num">${o.durationMs.toLocaleString('en-US')} ms</td>
<td class="num">${o.failedAttempts.toLocaleString('en-US')}</td>
<td>${Object.entries(o.errorClasses).map(([k, v]) => classCell(k, v, messages)).join('<br>') || '—'}</td>
<td>${h(stepOf(run, o.start, o.end))}</td>
</tr>`,
  );
  const degraded = (soak.downtime?.degraded ?? []).map(
    (d) => `<tr>
<td class="nowrap">${h(time(d.start))}</td><td class="nowrap">${h(time(d.end))}</td>
<td class="num">${d.durationMs.toLocaleString('en-US')} ms</td>
<td class="num">${d.slowAttempts.toLocaleString('en-US')}</td>
<td class="num">${Math.round(d.maxLatencyMs).toLocaleString('en-US')} ms</td>
<td>${h(d.lane)} (± ${h(d.resolutionMs)} ms)</td>
<td>${h(stepOf(run, d.start, d.end))}</td>
</tr>`,
  );
  return `<h2 id="windows">Outages and degraded windows</h2>
<p>Downtime ${summary.downtimeMs.toLocaleString('en-US')} ms in ${summary.outages.length} outage${summary.outages.length === 1 ? '' : 's'}; resolution ± ${h(summary.resolutionMs)} ms${soak.downtime ? ` (${h(soak.downtime.note)})` : ''}.</p>
${outages.length ? `<table class="windows">
<thead><tr><th>Outage start</th><th>End</th><th>Duration</th><th>Failed attempts</th><th>Error classes</th><th>Step</th></tr></thead>
<tbody>
${outages.join('\n')}
</tbody>
</table>` : '<p class="muted">No outage: every attempt of the soak succeeded.</p>'}
${writerChangesHtml(run)}
${errorsTableHtml(soak)}
${degraded.length ? `<p>Degraded windows: attempts succeeded, but slower than ${h(soak.degradedThresholdMs)} ms.</p>
<table class="windows">
<thead><tr><th>Degraded from</th><th>To</th><th>Duration</th><th>Slow attempts</th><th>Slowest</th><th>Measured by</th><th>Step</th></tr></thead>
<tbody>
${degraded.join('\n')}
</tbody>
</table>` : `<p class="muted">No degraded window (no success slower than ${h(soak.degradedThresholdMs)} ms outside outages).</p>`}`;
}
