import type { RunManifest, StepRecord } from '../scenarios/run-manifest.js';
import { escapeHtml as h, escapeMarkdown as md } from './escape.js';

const dash = '—';

function figure(value: number | null | undefined, unit = ''): string {
  return value === null || value === undefined ? dash : `${value.toLocaleString('en-US')}${unit}`;
}

/** What a switchover step ran, from its details: the style, how long clients were held, late writes. */
function switchoverFacts(step: StepRecord): string[] {
  const d = step.details ?? {};
  const parts: string[] = [];
  if (d.style === 'hard') parts.push('switchover: hard cut (sessions cut, clients reconnect to green)');
  if (d.style === 'pause') {
    const held = d.clientsHeld as { durationMs?: unknown } | undefined;
    parts.push(`switchover: pause through PgBouncer${typeof held?.durationMs === 'number' ? ` (clients held ${Math.round(held.durationMs)} ms)` : ''}`);
  }
  if (typeof step.late === 'number' && step.late > 0) parts.push(`late writes ${step.late}`);
  if (d.clientsMustRepoint === true) parts.push('clients must be repointed to green');
  return parts;
}

function otherIssues(step: StepRecord): string {
  const parts: string[] = [];
  if (step.error) parts.push(step.error);
  parts.push(...switchoverFacts(step));
  for (const o of step.outages ?? []) {
    const classes = Object.entries(o.errorClasses).map(([k, v]) => `${k} ×${v}`).join(', ');
    if (classes) parts.push(`outage ${o.durationMs} ms: ${classes}`);
  }
  return parts.join('; ');
}

/**
 * The step table QA teams fill by hand after a soak test: one row per step with duration,
 * downtime, failed attempts, lost, unexpected, duplicated and other issues. A dash means the
 * figure was not measured in this run (no soak ran through the step), never zero.
 */
export function stepTableHtml(run: RunManifest): string {
  if (!run.steps.length) return '<p class="muted">No steps ran.</p>';
  const rows = run.steps
    .map(
      (s) => `<tr class="step-${h(s.status)}">
<td>${h(s.name)}<div class="muted">${h(s.action)}</div></td>
<td>${h(s.status)}</td>
<td class="num">${figure(s.durationMs, ' ms')}</td>
<td class="num">${figure(s.downtimeMs, ' ms')}${s.downtimeResolutionMs ? `<div class="muted">± ${h(s.downtimeResolutionMs)} ms</div>` : ''}</td>
<td class="num">${figure(s.failedAttempts)}</td>
<td class="num">${figure(s.lost)}</td>
<td class="num">${figure(s.unexpected)}</td>
<td class="num">${figure(s.duplicated)}</td>
<td>${h(otherIssues(s)) || dash}${phasesHtml(s)}</td>
</tr>`,
    )
    .join('\n');
  return `<table class="steps">
<thead><tr><th>Step</th><th>Status</th><th>Duration</th><th>Downtime</th><th>Failed attempts</th><th>Lost</th><th>Unexpected</th><th>Duplicated</th><th>Other issues</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="muted">Downtime: from the scheduled time of the first failed attempt after a success to the completion of the next success; its resolution (± under the figure) is the interval of the attempts that measured it, the soak's load or its probe, whichever is finer. Failed attempts: the soak's attempts that failed in those outages. Lost, unexpected, duplicated: the soak's ledgered writes due during the step, as verification against the final database sorted them. A dash: not measured in this run.</p>`;
}

function phasesHtml(s: StepRecord): string {
  if (!s.phases?.length) return '';
  return `<div class="muted">${s.phases.map((p) => `${h(p.name)} ${p.durationMs} ms`).join(' · ')}</div>`;
}

/** The same table in Markdown, for summary.md. */
export function stepTableMarkdown(run: RunManifest): string {
  if (!run.steps.length) return '_No steps ran._\n';
  const head = '| Step | Status | Duration | Downtime | Failed attempts | Lost | Unexpected | Duplicated | Other issues |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n';
  return (
    head +
    run.steps
      .map(
        (s) =>
          `| ${md(s.name)} | ${s.status} | ${figure(s.durationMs, ' ms')} | ${figure(s.downtimeMs, ' ms')} | ${figure(s.failedAttempts)} | ${figure(s.lost)} | ${figure(s.unexpected)} | ${figure(s.duplicated)} | ${md(otherIssues(s)) || dash} |`,
      )
      .join('\n') +
    '\n'
  );
}
