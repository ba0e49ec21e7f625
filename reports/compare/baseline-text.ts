import type { BaselineComparison, BaselineSide } from './baseline-comparison.js';
import { figureText, floorText, intervalText, ratioText, verdictText } from './baseline-format.js';
import { alignRows, terminalSafe as t, type Cell, type Paint } from './text-table.js';

function sideLine(s: BaselineSide): string {
  const rate = s.rate === null ? 'max rate' : `${s.rate}/s`;
  return `  ${s.label}  ${t(s.source)}: ${s.engine} ${t(s.workload)}, ${rate}, ${s.clients} client${s.clients === 1 ? '' : 's'}, ${s.valid} valid repeat${s.valid === 1 ? '' : 's'} of ${s.repeats.length} (${(s.durationMs / 1000).toFixed(s.durationMs % 1000 ? 1 : 0)} s each)`;
}

/** The repeats of both sides, in the order they ran: where the drift between repeats shows. */
function repeatRows(c: BaselineComparison, paint: Paint): string[] {
  const rows: Cell[][] = [['repeat', 'side', 'TPS', 'p50, ms', 'p99, ms', '']];
  const all = [...c.a.repeats.map((r) => ({ r, side: c.a.label })), ...c.b.repeats.map((r) => ({ r, side: c.b.label }))].sort((x, y) => x.r.index - y.r.index);
  const ms = (x: number) => String(Number(x.toPrecision(3)));
  for (const { r, side } of all) {
    rows.push([`  #${r.index}`, side, r.tps.toFixed(1), ms(r.p50Ms), ms(r.p99Ms), r.valid ? '' : { text: `invalid: ${t(r.invalidReason ?? '')}`, paint: paint.yellow }]);
  }
  return alignRows(rows, '  ');
}

/** The baseline section of `cutover compare`: both sides, their repeats, each figure's B/A with its interval. */
export function baselineLines(c: BaselineComparison | null, paint: Paint): string[] {
  if (!c) return [];
  const level = `${Number((c.confidence * 100).toPrecision(4))}%`;
  const lines = ['baselines:', sideLine(c.a), sideLine(c.b), ...repeatRows(c, paint)];
  lines.push(`baseline differences, B vs A (${level} over ${c.figures} figures together; hierarchical bootstrap, ${c.iterations} iterations, seed ${c.seed}, widened to the noise between repeats):`);
  const rows: Cell[][] = [['figure', 'A', 'B', 'B/A', 'interval', 'noise floor', '']];
  for (const m of c.metrics) {
    const verdict = verdictText(m);
    rows.push([
      `  ${m.label}`,
      figureText(m, m.a),
      figureText(m, m.b),
      m.a > 0 ? ratioText(m.b / m.a) : '—',
      m.stats ? intervalText(m, c.confidence).replace(` at ${level}`, '') : '—',
      m.stats ? floorText(m.stats.noiseFloor) : '—',
      { text: verdict, paint: m.worse ? paint.red : m.significant ? paint.green : (s) => s },
    ]);
  }
  lines.push(...alignRows(rows, ''));
  for (const m of c.metrics) if (!m.judged) lines.push(paint.yellow(`  ${m.label}: ${t(m.reason ?? '')}`));
  return lines;
}
