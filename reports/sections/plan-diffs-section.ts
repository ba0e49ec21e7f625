import { MIN_TIME_INCREASE_MS, timeNoiseMs } from '../../checks/explain-compare.js';
import type { ExplainBaselinesData } from '../../checks/explain-baselines.js';
import type { ExplainBaseline } from '../../checks/explain-query.js';
import { escapeHtml as h } from '../escape.js';
import { checkData, isRecord, type SnapshotSide } from './check-data.js';
import { type AlignedPlanNode, alignPlans, countChanges } from './plan-align.js';
import { planTreeHtml } from './plan-tree-html.js';
import { DEFAULT_TIME_RATIO, betterBelow, ratioClass, ratioHtml, ratioOf } from './ratio.js';
import { noteHtml, plural, sectionHtml, sidesNote } from './section.js';
import { formatNumber } from './value-html.js';

/** What the plan section needs from the run's configuration. */
export interface PlanDiffsOptions {
  /** `explain.timeRatio` of the run: the ratio beyond which a time is coloured (the differ's limit). */
  timeRatio?: number;
}

function isBaselinesData(value: unknown): value is ExplainBaselinesData {
  return isRecord(value) && Array.isArray(value.baselines);
}

/**
 * Plan diffs of the EXPLAIN baselines: for every baseline named on either side, the plans before
 * and after as trees side by side with changed, added and removed nodes highlighted, then the
 * total cost, planning time and (ANALYZE only) execution time with their ratio after / before,
 * coloured beyond `explain.timeRatio` or below its inverse when the times differ by more than
 * their noise, the limit the differ's findings use; the
 * planner's estimated cost is never coloured (estimates do not compare across majors). A
 * baseline that failed or was rejected shows why.
 */
export function planDiffsSectionHtml(pre: SnapshotSide | undefined, post: SnapshotSide | undefined, options: PlanDiffsOptions = {}): string {
  const limit = options.timeRatio ?? DEFAULT_TIME_RATIO;
  const before = checkData(pre, 'explain.baselines', isBaselinesData);
  const after = checkData(post, 'explain.baselines', isBaselinesData);
  const note = sidesNote(before, after);
  const heading = 'Plan diffs: EXPLAIN baselines before and after';
  if (!before.ok && !after.ok) return sectionHtml('plan-diffs', heading, note);
  const a = new Map((before.ok ? before.data.baselines : []).map((b) => [b.name, b]));
  const b = new Map((after.ok ? after.data.baselines : []).map((x) => [x.name, x]));
  const names = [...new Set([...a.keys(), ...b.keys()])];
  if (names.length === 0) return sectionHtml('plan-diffs', heading, `${note}\n${noteHtml('No EXPLAIN baselines on either side.')}`);
  const parts = names.map((name) => baselineHtml(name, a.get(name), b.get(name), { before: before.ok, after: after.ok }, limit));
  const shapeChanged = parts.filter((p) => p.shapeChanged).length;
  const beyond = parts.filter((p) => p.beyond).length;
  const summary = `${plural(names.length, 'baseline')}: ${shapeChanged ? `${shapeChanged} with a changed plan` : 'no plan changed shape'}, ${
    `${beyond ? `${beyond} with a time ratio` : 'no time ratio'} beyond ${limit}× or below ${betterBelow(limit)}× (explain.timeRatio${options.timeRatio === undefined ? ', its default' : ''}; beyond noise)`
  }. Ratios are after / before.`;
  return sectionHtml('plan-diffs', heading, `${noteHtml(summary)}\n${note}\n${parts.map((p) => p.html).join('\n')}`);
}

interface BaselinePart {
  html: string;
  shapeChanged: boolean;
  beyond: boolean;
}

function baselineHtml(name: string, x: ExplainBaseline | undefined, y: ExplainBaseline | undefined, looked: { before: boolean; after: boolean }, limit: number): BaselinePart {
  const any = (x ?? y) as ExplainBaseline;
  const okX = x?.status === 'ok' ? x : undefined;
  const okY = y?.status === 'ok' ? y : undefined;
  const problems = [sideProblem('Before', x, looked.before), sideProblem('After', y, looked.after)].filter(Boolean);
  let tree = '';
  let shapeChanged = false;
  if (okX?.shape && okY?.shape) {
    const aligned = alignPlans(okX.shape, okY.shape) as AlignedPlanNode;
    const c = countChanges(aligned);
    shapeChanged = c.changed + c.added + c.removed > 0;
    const verdict = shapeChanged
      ? `Plan changed: ${[c.changed ? `${c.changed} changed` : '', c.added ? `${c.added} added` : '', c.removed ? `${c.removed} removed` : ''].filter(Boolean).join(', ')} (of ${plural(c.same + c.changed + c.added + c.removed, 'node')}).`
      : 'Same plan shape.';
    // An unchanged plan is one click away; a changed one is open, since it is what the reader is after.
    tree = shapeChanged
      ? `<p class="pd-shape-changed">${h(verdict)}</p>\n${planTreeHtml(aligned)}`
      : `<details class="pd-same-plan"><summary>${h(verdict)} Show both plans</summary>\n${planTreeHtml(aligned)}\n</details>`;
  } else if (okX?.shape || okY?.shape) {
    // One plan alone: shown plainly, since there is nothing to highlight it against.
    const only = (okX?.shape ?? okY?.shape) as NonNullable<ExplainBaseline['shape']>;
    const aligned = neutral(alignPlans(okX ? only : undefined, okY ? only : undefined) as AlignedPlanNode);
    tree = planTreeHtml(aligned);
  }
  const figures = figuresHtml(okX, okY, limit);
  const sql = x && y && x.sql !== y.sql
    ? `<details class="pd-sql"><summary>SQL (differs between the sides)</summary><div class="muted">before</div><pre class="mono">${h(x.sql)}</pre><div class="muted">after</div><pre class="mono">${h(y.sql)}</pre></details>`
    : `<details class="pd-sql"><summary>SQL</summary><pre class="mono">${h(any.sql)}</pre></details>`;
  const mode = [any.analyze ? 'ANALYZE' : 'estimates only (no ANALYZE)', any.buffers ? 'BUFFERS' : ''].filter(Boolean).join(', ');
  const html = `<div class="pd-baseline${shapeChanged ? ' pd-baseline-changed' : ''}">
<h3>${h(name)}</h3>
<div class="muted">database ${h(any.database)} · ${h(mode)}</div>
${problems.length ? `<ul class="pd-problems">${problems.join('')}</ul>` : ''}
${figures.html}
${tree}
${sql}
</div>`;
  return { html, shapeChanged, beyond: figures.beyond };
}

function sideProblem(label: string, b: ExplainBaseline | undefined, looked: boolean): string {
  if (!b) return looked ? `<li>${h(label)}: this baseline was not configured.</li>` : '';
  if (b.status === 'rejected') return `<li class="gate-failing">${h(label)}: rejected, never run: ${h(b.reason ?? 'not a single SELECT')}</li>`;
  if (b.status === 'error') {
    const state = b.error?.sqlState ? ` (SQLSTATE ${b.error.sqlState})` : '';
    return `<li class="gate-failing">${h(label)}: EXPLAIN failed: ${h(`${b.error?.message ?? 'no message recorded'}${state}`)}</li>`;
  }
  return '';
}

function neutral(node: AlignedPlanNode): AlignedPlanNode {
  return { ...node, change: 'same', children: node.children.map(neutral) };
}

function ms(value: number | undefined): string {
  return value === undefined ? '<span class="muted">—</span>' : `${h(formatNumber(value))} ms`;
}

/**
 * A time figure's row. A ratio beyond the thresholds is coloured only when the times are more
 * than `noiseMs` apart, as the differ judges them: sub-millisecond timings jitter by 2x.
 */
function timeRow(label: string, t0: number | undefined, t1: number | undefined, before: string, after: string, noiseMs: number, limit: number) {
  const ratio = ratioOf(t0, t1);
  const colour = ratio === undefined || ratioClass(ratio, limit) === 'even' || Math.abs((t1 ?? 0) - (t0 ?? 0)) > noiseMs;
  return { label, before, after, ratio, colour, time: true };
}

function figuresHtml(x: ExplainBaseline | undefined, y: ExplainBaseline | undefined, limit: number): { html: string; beyond: boolean } {
  if (!x && !y) return { html: '', beyond: false };
  const rows: { label: string; before: string; after: string; ratio?: number; colour?: boolean; time?: boolean }[] = [
    {
      label: 'Total cost (planner units)',
      before: x?.totalCost === undefined ? '<span class="muted">—</span>' : h(formatNumber(x.totalCost)),
      after: y?.totalCost === undefined ? '<span class="muted">—</span>' : h(formatNumber(y.totalCost)),
      ratio: ratioOf(x?.totalCost, y?.totalCost),
      // An estimate, information only: its scale moves between majors and with fresh statistics.
      colour: false,
    },
    timeRow('Planning time', x?.planningTimeMs, y?.planningTimeMs, ms(x?.planningTimeMs), ms(y?.planningTimeMs), MIN_TIME_INCREASE_MS, limit),
  ];
  if (x?.executionTimeMs !== undefined || y?.executionTimeMs !== undefined) {
    const exec = (b: ExplainBaseline | undefined) =>
      `${ms(b?.executionTimeMs)}${b?.executionTimeRangeMs && b.runs > 1 ? `<div class="muted">median of ${b.runs}, ${h(formatNumber(b.executionTimeRangeMs[0]))}–${h(formatNumber(b.executionTimeRangeMs[1]))} ms</div>` : ''}`;
    rows.push(timeRow('Execution time (ANALYZE)', x?.executionTimeMs, y?.executionTimeMs, exec(x), exec(y), timeNoiseMs(x, y), limit));
  }
  if (x?.bufferBlocks || y?.bufferBlocks) {
    const total = (b: ExplainBaseline | undefined) => (b?.bufferBlocks ? b.bufferBlocks.sharedHit + b.bufferBlocks.sharedRead : undefined);
    const cell = (b: ExplainBaseline | undefined) =>
      b?.bufferBlocks ? `${h(formatNumber(b.bufferBlocks.sharedHit))} hit + ${h(formatNumber(b.bufferBlocks.sharedRead))} read` : '<span class="muted">—</span>';
    rows.push({ label: 'Shared buffers (blocks)', before: cell(x), after: cell(y), ratio: ratioOf(total(x), total(y)) });
  }
  const beyond = rows.some((r) => r.ratio !== undefined && r.colour !== false && ratioClass(r.ratio, limit) !== 'even');
  const html = `<table class="pd-figures">
<thead><tr><th></th><th class="num">Before</th><th class="num">After</th><th class="num">After / before</th></tr></thead>
<tbody>
${rows.map((r) => `<tr><th>${h(r.label)}</th><td class="num">${r.before}</td><td class="num">${r.after}</td><td class="num">${ratioHtml(r.ratio, r.colour !== false, limit)}</td></tr>`).join('\n')}
</tbody>
</table>
<p class="muted pd-footnote">The total cost is the planner's estimate, shown for information: estimates do not compare across majors or fresh statistics, so plans are judged by shape and measured time.</p>${
    rows.some((r) => r.time && r.ratio !== undefined && r.colour === false)
      ? `\n<p class="muted pd-footnote">Grey time ratios: the two timings are apart by less than their noise margin (at least ${MIN_TIME_INCREASE_MS} ms, or the spread of the repeated runs), so they are not coloured.</p>`
      : ''
  }`;
  return { html, beyond };
}
