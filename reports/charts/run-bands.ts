import type { RunManifest } from '../../run/manifest.js';

/** What a band marks: a step (ok or failed), an outage, a degraded window, a writer change (a line). */
export type BandKind = 'step' | 'failed-step' | 'outage' | 'degraded' | 'writer';

/** A shaded stretch of a chart's time axis, in seconds since the load's start. */
export interface ChartBand {
  kind: BandKind;
  from: number;
  to: number;
  label: string;
}

/**
 * The bands of a run: its steps (from `startedAt` to `endedAt`), its outages (the soak's summary,
 * else the steps' own), its degraded windows and its writer changes (lines), on the axis whose
 * second 0 is `startMs`.
 */
export function runBands(run: RunManifest, startMs: number): ChartBand[] {
  const at = (iso: string | undefined): number | undefined => {
    const ms = iso ? Date.parse(iso) : NaN;
    return Number.isFinite(ms) ? Math.round(ms - startMs) / 1000 : undefined;
  };
  const bands: ChartBand[] = [];
  for (const step of run.steps ?? []) {
    const from = at(step.startedAt);
    const to = at(step.endedAt) ?? from;
    if (from === undefined || to === undefined) continue;
    bands.push({ kind: step.status === 'failed' ? 'failed-step' : 'step', from, to, label: step.status === 'failed' ? `${step.name} (failed)` : step.name });
  }
  const outages = run.soak?.summary?.outages ?? (run.steps ?? []).flatMap((s) => s.outages ?? []);
  const seen = new Set<string>();
  for (const w of outages) {
    const from = at(w.start);
    const to = at(w.end);
    if (from === undefined || to === undefined || seen.has(`${from}/${to}`)) continue;
    seen.add(`${from}/${to}`);
    bands.push({ kind: 'outage', from, to, label: `outage ${w.durationMs} ms` });
  }
  for (const w of run.soak?.downtime?.degraded ?? []) {
    const from = at(w.start);
    const to = at(w.end);
    if (from === undefined || to === undefined) continue;
    bands.push({ kind: 'degraded', from, to, label: `degraded ${w.durationMs} ms` });
  }
  // A failover or a switchover: the second from which the load's successes ran on another server.
  for (const c of run.soak?.writerServers?.changes ?? []) {
    const from = at(c.at);
    if (from === undefined) continue;
    bands.push({ kind: 'writer', from, to: from, label: `writer \u2192 ${c.to}` });
  }
  return bands;
}
