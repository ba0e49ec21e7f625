import { describeWriterChange } from '../load/writer-changes.js';
import type { RunManifest, StepRecord } from '../run/manifest.js';
import { escapeHtml as h, escapeMarkdown as md } from './escape.js';

/** Whether an instant falls in a step's span, widened after its end by `slackMs`. */
function within(step: StepRecord, t: number, slackMs: number): boolean {
  return Date.parse(step.startedAt) <= t && t <= Date.parse(step.endedAt) + slackMs;
}

/**
 * The step that moved the writer: the one whose span holds the first write on the new server
 * (a step ends once clients work again, so after that write). Older runs date a change by the
 * start of its second, which may fall after the step: the second after each step counts too.
 */
function stepOf(run: RunManifest, at: string): StepRecord | undefined {
  const t = Date.parse(at);
  return run.steps.find((s) => within(s, t, 0)) ?? run.steps.find((s) => within(s, t, 1_000));
}

/** The step whose span holds an instant, or "outside the steps". */
function stepAt(run: RunManifest, at: string): string {
  return stepOf(run, at)?.name ?? 'outside the steps';
}

/** The writer changes of one step, for its row of the step table ("writer changed from … at second 12"). */
export function writerChangesDuring(run: RunManifest, step: StepRecord): string[] {
  return (run.soak?.writerServers?.changes ?? []).filter((c) => stepOf(run, c.at) === step).map(describeWriterChange);
}

/** One sentence per change, or what the load wrote to when the writer never changed. */
function sentences(run: RunManifest): { text: string; step?: string }[] | undefined {
  const servers = run.soak?.writerServers;
  if (!servers) return undefined;
  if (servers.changes.length === 0) return [{ text: `The load wrote to ${servers.seen.join(', ')} throughout: the writer never changed.` }];
  return servers.changes.map((c) => ({ text: `${describeWriterChange(c)} (${c.at.replace('T', ' ').replace('Z', ' UTC')})`, step: stepAt(run, c.at) }));
}

/**
 * Where the soak's writes went, for the outages section: a failover or a switchover shows as a
 * writer change (from which server to which, at which second of the load), not only as an outage.
 * Empty for runs that did not record which server the load was on.
 */
export function writerChangesHtml(run: RunManifest): string {
  const lines = sentences(run);
  if (!lines) return '';
  if (lines.length === 1 && !lines[0]?.step) return `<p class="writer-changes">${h(lines[0]?.text ?? '')}</p>`;
  return `<p>Writer changes: the server the load's successful attempts ran on (its own address and port; "in recovery": a standby when the connection opened).</p>
<table class="windows writer-changes">
<thead><tr><th>Writer change</th><th>Step</th></tr></thead>
<tbody>
${lines.map((l) => `<tr><td>${h(l.text)}</td><td>${h(l.step ?? '')}</td></tr>`).join('\n')}
</tbody>
</table>`;
}

/** The same for summary.md: a "Writer" part, or nothing. */
export function writerChangesMarkdown(run: RunManifest): string {
  const lines = sentences(run);
  if (!lines) return '';
  return `## Writer\n\n${lines.map((l) => `- ${md(l.text)}${l.step ? ` — step ${md(l.step)}` : ''}`).join('\n')}\n\n`;
}
