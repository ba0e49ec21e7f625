import { formatMs, formatPercent, formatRatio, increase, type Change } from './change.js';
import type { ComparedRun, FindingDifference, RunComparison } from './comparison.js';
import { PERCENTILES } from './latency-percentiles.js';
import { alignLeft, alignRows, terminalSafe as t, type Cell, type Paint } from './text-table.js';
import { isMeasured, pairedStepName } from './pair-steps.js';
import { baselineLines } from './baseline-text.js';
import { thresholdLines } from '../thresholds/threshold-lines.js';

/** Most lines a list (plans, findings) prints; the rest are in the HTML and JSON outputs. */
const MAX_LIST = 15;

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const rate = (x: number) => x.toFixed(1);

function versions(run: ComparedRun): string {
  if (run.from && run.to) return `${run.from} -> ${run.to}`;
  return run.to ?? run.from ?? 'version unknown';
}

/** One line per run: label, directory, method and versions, verdict, soak, each in its own left-aligned column. */
export function runLines(c: RunComparison): string[] {
  return alignLeft(
    (['a', 'b'] as const).map((k) => {
      const r = c[k];
      const soak = r.rate !== undefined ? `soak ${r.rate}/s ${t(r.workload ?? '')}`.trimEnd() : '';
      return [k.toUpperCase(), t(r.dir), `${t(r.method)} ${t(versions(r))}`, `verdict ${t(r.verdict)}`, soak];
    }),
  );
}

/** B/A painted: red when B is worse by more than `noise`, green when better by as much. */
function ratioCell(c: Change, paint: Paint, higherIsWorse = true, noise = 0.05): Cell {
  const rise = increase(c);
  const worse = higherIsWorse ? rise > noise : rise < -noise;
  const better = higherIsWorse ? rise < -noise : rise > noise;
  return { text: formatRatio(c), paint: worse ? paint.red : better ? paint.green : (s) => s };
}

/** Latency percentiles of the whole soak side by side, schedule lag p99, then the chosen percentile by step. */
export function latencyLines(c: RunComparison, paint: Paint): string[] {
  if (!c.latency) return ['latency: not compared (a run has no timeline.ndjson)'];
  const { latency, lag } = c.latency.soak;
  const rows: Cell[][] = [['latency, ms (whole soak)', 'A', 'B', 'B/A']];
  for (const p of PERCENTILES) rows.push([`  ${p.label}`, formatMs(latency.a[p.key]), formatMs(latency.b[p.key]), ratioCell(latency.change[p.key], paint)]);
  rows.push(['  schedule lag p99', formatMs(lag.a.p99), formatMs(lag.b.p99), ratioCell(lag.change.p99, paint)]);
  rows.push(['  successes measured', n(latency.a.count), n(latency.b.count), '']);
  const lines = alignRows(rows, '');
  const key = c.gate.limits.latencyPercentile;
  const label = PERCENTILES.find((p) => p.key === key)?.label ?? key;
  const { unmeasured } = c.latency;
  if (c.latency.steps.length + unmeasured.length > 0) {
    const steps: Cell[][] = [[`latency ${label} by step, ms`, 'A', 'B', 'B/A']];
    // Every paired step in run order, numbered: two steps may share a name (a wait before and after).
    const all = [...c.latency.steps, ...unmeasured].sort((x, y) => x.numberA - y.numberA);
    for (const s of all) {
      const name = `  ${t(pairedStepName(s))}`;
      steps.push(isMeasured(s) ? [name, formatMs(s.latency.a[key]), formatMs(s.latency.b[key]), ratioCell(s.latency.change[key], paint)] : [name, '—', '—', '—']);
    }
    lines.push(...alignRows(steps, ''));
    if (unmeasured.length > 0) lines.push('  — : no second of the soak overlapped the step in one of the runs');
  }
  return lines;
}

function signed(x: number, unit = ''): string {
  return `${x > 0 ? '+' : ''}${n(x)}${unit}`;
}

/** Throughput, errors by class, downtime and ledger totals of both runs, with the differences. */
export function throughputLines(c: RunComparison, paint: Paint): string[] {
  const { load, ledger, errors } = c.throughput;
  const rows: Cell[][] = [['throughput', 'A', 'B', 'change']];
  const dash = '—';
  const fig = (v: number | null | undefined, f: (x: number) => string = n) => (v === null || v === undefined ? dash : f(v));
  const pct = (ch: Change | undefined, higherIsWorse: boolean): Cell => (ch ? { text: formatPercent(increase(ch)), paint: paintFor(ch, paint, higherIsWorse) } : dash);
  const diff = (ch: Change | undefined, unit = ''): Cell => (ch ? { text: signed(ch.delta, unit), paint: ch.delta > 0 ? paint.red : ch.delta < 0 ? paint.green : (s: string) => s } : dash);
  rows.push(['  attempts/s', fig(load.a?.attemptRate, rate), fig(load.b?.attemptRate, rate), pct(load.change.attemptRate, false)]);
  rows.push(['  ok/s', fig(load.a?.okRate, rate), fig(load.b?.okRate, rate), pct(load.change.okRate, false)]);
  rows.push(['  failed attempts', fig(load.a?.failed), fig(load.b?.failed), diff(load.change.failed)]);
  for (const e of errors) rows.push([`    ${t(e.errorClass)}`, n(e.a), n(e.b), diff({ a: e.a, b: e.b, delta: e.b - e.a, ratio: null })]);
  rows.push(['  downtime, ms', fig(ledger.a.downtimeMs), fig(ledger.b.downtimeMs), diff(ledger.change.downtimeMs, ' ms')]);
  rows.push(['  outages', fig(ledger.a.outages), fig(ledger.b.outages), diff(ledger.change.outages)]);
  for (const k of ['lost', 'unexpected', 'duplicated', 'late'] as const) {
    if (ledger.a[k] === null && ledger.b[k] === null) continue;
    rows.push([`  ${k}`, fig(ledger.a[k]), fig(ledger.b[k]), diff(ledger.change[k])]);
  }
  return alignRows(rows, '');
}

function paintFor(ch: Change, paint: Paint, higherIsWorse: boolean): (s: string) => string {
  const rise = increase(ch);
  if (Math.abs(rise) <= 0.01) return (s) => s;
  return (rise > 0) === higherIsWorse ? paint.red : paint.green;
}

/** The EXPLAIN baselines: how many kept their shape, then one row per baseline. */
export function planLines(c: RunComparison, paint: Paint): string[] {
  if (c.plans.length === 0) return ['plans: no EXPLAIN baselines in either run (explain.queries in the configuration)'];
  const compared = c.plans.filter((p) => p.status === 'compared');
  const changed = compared.filter((p) => !p.sameShape);
  const others = c.plans.length - compared.length;
  const head = `plans: ${compared.length} compared, ${compared.length - changed.length} same shape, ${changed.length} changed${others ? `, ${others} not compared` : ''}`;
  const timeKind = compared.some((p) => p.time?.kind === 'execution') ? 'time' : 'planning';
  const rows: Cell[][] = [['  baseline', 'shape', 'cost A', 'cost B', 'B/A', `${timeKind} B/A`]];
  // Changed plans first: they are what a reader looks for.
  const ordered = [...changed, ...c.plans.filter((p) => !changed.includes(p))];
  for (const p of ordered.slice(0, MAX_LIST)) {
    if (p.status !== 'compared') {
      const why = p.status === 'only-a' ? 'only in A' : p.status === 'only-b' ? 'only in B' : t(p.reason ?? 'failed');
      rows.push([`  ${t(p.name)}`, { text: why, paint: paint.yellow }, '', '', '', '']);
      continue;
    }
    rows.push([
      `  ${t(p.name)}`,
      p.sameShape ? 'same' : { text: 'CHANGED', paint: paint.red },
      p.cost ? String(p.cost.a) : '—',
      p.cost ? String(p.cost.b) : '—',
      p.cost ? ratioCell(p.cost, paint) : '—',
      p.time ? ratioCell(p.time, paint, true, 0.5) : '—',
    ]);
  }
  const lines = [head, ...alignRows(rows, '')];
  if (ordered.length > MAX_LIST) lines.push(`  … and ${ordered.length - MAX_LIST} more (see the HTML or JSON output)`);
  return lines;
}

function sev(s: FindingDifference['a'], paint: Paint): string {
  if (!s) return '—';
  return s === 'fail' ? paint.red('FAIL') : s === 'warn' ? paint.yellow('WARN') : paint.dim('info');
}

/** Findings present in one run only, or at another severity; info-only differences are counted. */
export function findingLines(c: RunComparison, paint: Paint): string[] {
  const f = c.findings;
  if (!f.available.a && !f.available.b) return ['findings: not compared (neither run has findings.json)'];
  const onlyA = f.differences.filter((d) => !d.b).length;
  const onlyB = f.differences.filter((d) => !d.a).length;
  const changed = f.differences.length - onlyA - onlyB;
  const lines = [`findings: ${f.unchanged} in both, ${onlyA} only in A, ${onlyB} only in B, ${changed} at another severity`];
  const shown = f.differences.filter((d) => (d.a !== undefined && d.a !== 'info') || (d.b !== undefined && d.b !== 'info'));
  for (const d of shown.slice(0, MAX_LIST)) {
    const where = !d.a ? 'only B' : !d.b ? 'only A' : 'A -> B';
    lines.push(`  ${where}  ${sev(d.a, paint)} -> ${sev(d.b, paint)}  ${t(d.id)}  ${t(d.message)}`);
  }
  if (shown.length > MAX_LIST) lines.push(`  … and ${shown.length - MAX_LIST} more (see the HTML or JSON output)`);
  const info = f.differences.length - shown.length;
  if (info > 0) lines.push(`  ${info} info finding${info === 1 ? '' : 's'} differ (see the HTML or JSON output)`);
  return lines;
}

/** Each configured limit, failing ones as finding lines, then the verdict. */
export function gateLines(c: RunComparison, paint: Paint): string[] {
  const lines: string[] = [];
  if (c.gate.results.length === 0 && c.gate.thresholds.length === 0) {
    lines.push('gate: no limits set (e.g. --max-latency-regression 25%, --max-throughput-drop 5%, --fail-on-plan-change)');
  } else if (c.gate.results.length > 0) {
    lines.push('gate:');
    for (const r of c.gate.results) lines.push(`  ${r.passed ? paint.green('ok  ') : paint.red('FAIL')} ${t(r.id)}  ${t(r.message)}`);
  }
  lines.push(...thresholdLines(c.gate.thresholds, paint).map(t));
  const verdict = c.gate.verdict === 'fail' ? paint.red('FAIL') : paint.green('PASS');
  lines.push(`verdict: ${paint.bold(verdict)}`);
  return lines;
}

/** The whole terminal summary of `cutover compare`, section by section. */
export function comparisonLines(c: RunComparison, paint: Paint): string[] {
  return [
    ...runLines(c),
    ...c.notes.map((note) => paint.yellow(`note: ${t(note)}`)),
    ...baselineLines(c.baseline, paint),
    // A comparison of baselines alone shows no empty soak, plan or finding sections.
    ...(c.baseline && !c.latency ? [] : latencyLines(c, paint)),
    ...(c.baseline && !c.latency ? [] : throughputLines(c, paint)),
    ...(c.baseline && c.plans.length === 0 ? [] : planLines(c, paint)),
    ...(c.baseline && !c.findings.available.a && !c.findings.available.b ? [] : findingLines(c, paint)),
    ...gateLines(c, paint),
  ];
}
