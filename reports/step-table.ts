import { errorRecordLines } from '../core/errors.js';
import type { RunManifest, StepRecord } from '../run/manifest.js';
import { escapeHtml as h, escapeMarkdown as md } from './escape.js';
import { errorRecordHtml } from './html-error.js';
import { writerChangesDuring } from './writer-changes-html.js';

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

/** What a promotion did (promote, failover, switchover of a standby; rejoin), from its details. */
function promotionFacts(step: StepRecord): string[] {
  const d = step.details ?? {};
  const parts: string[] = [];
  if (typeof d.to === 'string' && typeof d.promotionMs === 'number') parts.push(`promoted ${d.to}${typeof d.from === 'string' ? ` (writer was ${d.from})` : ''} in ${Math.round(d.promotionMs)} ms`);
  const lost = d.lostAtPromotion as { count?: unknown } | undefined;
  if (typeof lost?.count === 'number' && lost.count > 0) parts.push(`${lost.count} acknowledged writes never reached ${String(d.to)}`);
  const seen = d.oldPrimaryExamined as { confirmed?: unknown } | undefined;
  if (typeof seen?.confirmed === 'number') parts.push(`old primary examined read-only: holds ${seen.confirmed} of them`);
  if (typeof d.splitBrain === 'string') parts.push('old primary left running (two primaries)');
  if (step.action === 'rejoin' && typeof d.method === 'string') parts.push(`rejoined as a standby by ${d.method === 'rewind' ? 'pg_rewind' : 'a fresh base backup'}`);
  return parts;
}

/** What else the step met, besides its error: the switchover's facts and its outages' error classes. */
function otherIssues(step: StepRecord, run?: RunManifest): string {
  const parts: string[] = [];
  parts.push(...switchoverFacts(step), ...promotionFacts(step));
  if (run) parts.push(...writerChangesDuring(run, step));
  // A move off SQLite stops the app during the copy: its freeze is the step's duration, not an outage the soak saw.
  if (step.details?.writeFreeze === true && step.status === 'ok') parts.push(`write freeze: the application is stopped during the copy (${step.durationMs} ms)`);
  for (const o of step.outages ?? []) {
    const classes = Object.entries(o.errorClasses).map(([k, v]) => `${k} ×${v}`).join(', ');
    if (classes) parts.push(`outage ${o.durationMs} ms: ${classes}`);
  }
  return parts.join('; ');
}

/** A row of figures: a step's, or a total. */
interface Figures {
  durationMs: number | null;
  downtimeMs: number | null;
  failedAttempts: number | null;
  lost: number | null;
  unexpected: number | null;
  duplicated: number | null;
  late: number | null;
}

function stepFigures(s: StepRecord): Figures {
  return { durationMs: s.durationMs, downtimeMs: s.downtimeMs, failedAttempts: s.failedAttempts, lost: s.lost, unexpected: s.unexpected, duplicated: s.duplicated, late: s.late ?? null };
}

/** Sum of a figure over the steps; null when no step measured it. */
function total(steps: StepRecord[], pick: (f: Figures) => number | null): number | null {
  const values = steps.map((s) => pick(stepFigures(s))).filter((v): v is number => typeof v === 'number');
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

/** The bottom rows: the steps added up, and the whole soak (before, between and after the steps too). */
function totalRows(run: RunManifest): { label: string; note: string; figures: Figures }[] {
  const rows: { label: string; note: string; figures: Figures }[] = [];
  const keys: (keyof Figures)[] = ['durationMs', 'downtimeMs', 'failedAttempts', 'lost', 'unexpected', 'duplicated', 'late'];
  const steps = Object.fromEntries(keys.map((k) => [k, total(run.steps, (f) => f[k])])) as unknown as Figures;
  rows.push({ label: 'All steps', note: `${run.steps.length} step${run.steps.length === 1 ? '' : 's'}`, figures: steps });
  const soak = run.soak?.summary;
  if (soak) {
    const failed = soak.outages.reduce((sum, o) => sum + o.failedAttempts, 0);
    rows.push({
      label: 'Whole soak',
      note: 'first attempt to last',
      figures: { durationMs: run.soak?.durationMs ?? null, downtimeMs: soak.downtimeMs, failedAttempts: failed, lost: soak.lost, unexpected: soak.unexpected, duplicated: soak.duplicated, late: steps.late },
    });
  }
  return rows;
}

function figureCells(f: Figures, extraDowntime = ''): string {
  return `<td class="num">${figure(f.durationMs, ' ms')}</td>
<td class="num">${figure(f.downtimeMs, ' ms')}${extraDowntime}</td>
<td class="num">${figure(f.failedAttempts)}</td>
<td class="num${f.lost ? ' bad' : ''}">${figure(f.lost)}</td>
<td class="num${f.unexpected ? ' bad' : ''}">${figure(f.unexpected)}</td>
<td class="num${f.duplicated ? ' bad' : ''}">${figure(f.duplicated)}</td>
<td class="num${f.late ? ' warnish' : ''}">${figure(f.late)}</td>`;
}

/**
 * The step table QA teams fill by hand after a soak test: one row per step with duration,
 * downtime, failed attempts, lost, unexpected, duplicated, late and other issues, totals at the
 * bottom. A dash means the figure was not measured in this run (no soak ran through the step),
 * never zero.
 */
export function stepTableHtml(run: RunManifest): string {
  if (!run.steps.length) return '<p class="muted">No steps ran.</p>';
  const rows = run.steps
    .map(
      (s) => `<tr class="step-${h(s.status)}">
<td>${h(s.name)}<div class="muted">${h(s.action)}</div></td>
<td>${h(s.status)}</td>
${figureCells(stepFigures(s), s.downtimeResolutionMs ? `<div class="muted">± ${h(s.downtimeResolutionMs)} ms</div>` : '')}
<td>${issuesHtml(s, run)}${phasesHtml(s)}</td>
</tr>`,
    )
    .join('\n');
  const flaggedIds = flaggedIdsNote(run);
  const totals = totalRows(run)
    .map((t) => `<tr class="total">
<th>${h(t.label)}<div class="muted">${h(t.note)}</div></th>
<td></td>
${figureCells(t.figures)}
<td></td>
</tr>`)
    .join('\n');
  return `<table class="steps">
<thead><tr><th>Step</th><th>Status</th><th>Duration</th><th>Downtime</th><th>Failed attempts</th><th>Lost</th><th>Unexpected</th><th>Duplicated</th><th>Late</th><th>Other issues</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot>
${totals}
</tfoot>
</table>
<p class="muted">Downtime: from the scheduled time of the first failed attempt after a success to the completion of the next success; its resolution (± under the figure) is the interval of the attempts that measured it, the soak's load or its probe, whichever is finer. Failed attempts: the soak's attempts that failed in those outages. Lost, unexpected, duplicated: the soak's ledgered writes due during the step, as verification against the final database sorted them. Late: writes acknowledged on blue that green lacked when writes resumed there and that arrived afterwards. A dash: not measured in this run.</p>${flaggedIds ? `\n<p class="flagged-ids">${flaggedIds.text} <a href="${h(flaggedIds.file)}">${h(flaggedIds.file)}</a> ${flaggedIds.after}</p>` : ''}`;
}

/** Where the run lists each flagged id, when it has any: the figures above are counts, a team needs the ids. */
function flaggedIdsNote(run: RunManifest): { text: string; file: string; after: string } | undefined {
  const file = run.files.flaggedIds;
  const soak = run.soak?.summary;
  const late = run.steps.reduce((sum, s) => sum + (s.late ?? 0), 0);
  if (!file || (soak ? soak.lost + soak.unexpected + soak.duplicated : 0) + late === 0) return undefined;
  return { text: 'Each lost, unexpected, duplicated and late id, with its writer, due time and step, is listed in', file, after: 'in the run directory (one JSON line each).' };
}

/** The step's error (short, its record folded under it), then its other issues; a dash when there are none. */
function issuesHtml(s: StepRecord, run?: RunManifest): string {
  const others = otherIssues(s, run);
  if (!s.error) return h(others) || dash;
  return `<div class="step-error">${errorRecordHtml(s.error)}</div>${others ? `<div>${h(others)}</div>` : ''}`;
}

/** The step's error and SQLSTATE, detail and hint on lines of their own, then its other issues: one Markdown cell. */
function issuesMarkdown(s: StepRecord, run?: RunManifest): string {
  const lines = s.error ? [s.error.message, ...errorRecordLines(s.error)] : [];
  const others = otherIssues(s, run);
  if (others) lines.push(others);
  return lines.map(md).join('<br>') || dash;
}

function phasesHtml(s: StepRecord): string {
  if (!s.phases?.length) return '';
  return `<div class="muted">${s.phases.map((p) => `${h(p.name)} ${p.durationMs} ms`).join(' · ')}</div>`;
}

/** The same table in Markdown, for summary.md. */
export function stepTableMarkdown(run: RunManifest): string {
  if (!run.steps.length) return '_No steps ran._\n';
  const flaggedIds = flaggedIdsNote(run);
  const head = '| Step | Status | Duration | Downtime | Failed attempts | Lost | Unexpected | Duplicated | Late | Other issues |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n';
  const cells = (f: Figures) =>
    `${figure(f.durationMs, ' ms')} | ${figure(f.downtimeMs, ' ms')} | ${figure(f.failedAttempts)} | ${figure(f.lost)} | ${figure(f.unexpected)} | ${figure(f.duplicated)} | ${figure(f.late)}`;
  return (
    head +
    run.steps
      .map(
        (s) =>
          `| ${md(s.name)} | ${s.status} | ${cells(stepFigures(s))} | ${issuesMarkdown(s, run)} |`,
      )
      .join('\n') +
    '\n' +
    totalRows(run)
      .map((t) => `| **${md(t.label)}** | | ${cells(t.figures)} | ${md(t.note)} |`)
      .join('\n') +
    '\n' +
    (flaggedIds ? `\n${flaggedIds.text} ${md(flaggedIds.file)} ${flaggedIds.after}\n` : '')
  );
}
