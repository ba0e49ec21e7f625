import { summariseWindow } from '../../load/timeline-reader.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { RunManifest } from '../../run/manifest.js';
import { change, type Change } from './change.js';
import type { LedgerFigures, LedgerKey, LoadFigures, LoadKey, ThroughputComparison } from './comparison.js';

/** What the load achieved over a whole timeline. */
export function loadFigures(timeline: readonly TimelineBucket[]): LoadFigures {
  const w = summariseWindow(timeline);
  return { spanMs: w.spanMs, attempts: w.attempts, ok: w.ok, failed: w.failed, attemptRate: w.attemptRate, okRate: w.okRate };
}

/** Sum of a step figure; null when no step measured it. */
function sumSteps(run: RunManifest, pick: (s: RunManifest['steps'][number]) => number | null | undefined): number | null {
  const values = run.steps.map(pick).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? null : values.reduce((t, v) => t + v, 0);
}

/**
 * Downtime and ledger totals of a run: the soak's verified summary when there is one (it covers
 * the whole soak), else the sum of the steps' figures.
 */
export function ledgerFigures(run: RunManifest): LedgerFigures {
  const s = run.soak?.summary;
  const late = sumSteps(run, (step) => step.late);
  if (s) {
    return { downtimeMs: s.downtimeMs, outages: s.outages.length, lost: s.lost, unexpected: s.unexpected, duplicated: s.duplicated, late };
  }
  return {
    downtimeMs: sumSteps(run, (step) => step.downtimeMs),
    outages: sumSteps(run, (step) => step.outages?.length),
    lost: sumSteps(run, (step) => step.lost),
    unexpected: sumSteps(run, (step) => step.unexpected),
    duplicated: sumSteps(run, (step) => step.duplicated),
    late,
  };
}

/** Failed attempts by class over a timeline. */
function errorClasses(timeline: readonly TimelineBucket[] | null): Record<string, number> {
  if (!timeline) return {};
  return summariseWindow(timeline).errors as Record<string, number>;
}

function changes<K extends string>(keys: readonly K[], a: Record<K, number | null> | null, b: Record<K, number | null> | null): Partial<Record<K, Change>> {
  const out: Partial<Record<K, Change>> = {};
  if (!a || !b) return out;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x !== null && y !== null) out[k] = change(x, y);
  }
  return out;
}

const LOAD_KEYS: readonly LoadKey[] = ['attemptRate', 'okRate', 'failed'];
const LEDGER_KEYS: readonly LedgerKey[] = ['downtimeMs', 'outages', 'lost', 'unexpected', 'duplicated', 'late'];

/** Throughput, errors by class, downtime and ledger totals of both runs, with their changes. */
export function compareThroughput(
  a: { manifest: RunManifest; timeline: readonly TimelineBucket[] | null },
  b: { manifest: RunManifest; timeline: readonly TimelineBucket[] | null },
): ThroughputComparison {
  const loadA = a.timeline ? loadFigures(a.timeline) : null;
  const loadB = b.timeline ? loadFigures(b.timeline) : null;
  const ledgerA = ledgerFigures(a.manifest);
  const ledgerB = ledgerFigures(b.manifest);
  const errorsA = errorClasses(a.timeline);
  const errorsB = errorClasses(b.timeline);
  const classes = [...new Set([...Object.keys(errorsA), ...Object.keys(errorsB)])];
  const errors = classes
    .map((errorClass) => ({ errorClass, a: errorsA[errorClass] ?? 0, b: errorsB[errorClass] ?? 0 }))
    .sort((x, y) => y.a + y.b - (x.a + x.b) || x.errorClass.localeCompare(y.errorClass));
  return {
    load: { a: loadA, b: loadB, change: changes(LOAD_KEYS, loadA, loadB) },
    ledger: { a: ledgerA, b: ledgerB, change: changes(LEDGER_KEYS, ledgerA, ledgerB) },
    errors,
  };
}
