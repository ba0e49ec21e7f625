import type { Downtime } from './combine-lanes.js';
import { contractOutage, roundMs, type ContractOutage } from './soak-summary.js';

/** A step's span, epoch ms. */
export interface StepSpan {
  startedAt: number;
  endedAt: number;
  /**
   * Ids this step made lost whenever they were due: a failover's writes the old primary
   * acknowledged and the promoted standby never received (due before the step, lost by it).
   */
  claimedLost?: ReadonlySet<string>;
}

/**
 * Due times of the ids verification flagged; undefined when an id has none (an id present in
 * the database that was never attempted).
 */
export interface FlaggedIds {
  lost: readonly (number | undefined)[];
  unexpected: readonly (number | undefined)[];
  duplicated: readonly (number | undefined)[];
}

/** The figures of one row of the step table. */
export interface StepFigures {
  downtimeMs: number;
  failedAttempts: number;
  lost: number;
  unexpected: number;
  duplicated: number;
  downtimeResolutionMs: number;
  outages: ContractOutage[];
}

const within = (t: number | undefined, s: StepSpan) => t !== undefined && t >= s.startedAt && t <= s.endedAt;

const overlap = (w: { start: number; end: number }, s: StepSpan) => Math.max(0, Math.min(w.end, s.endedAt) - Math.max(w.start, s.startedAt));

/**
 * Whether an outage belongs to `span`: the step it overlaps most among `spans` (an outage opens at
 * the due time of its first failed attempt, which may have been sent a few milliseconds before the
 * step that broke it began), else — overlapping none — the step in which it began.
 */
function owns(w: { start: number; end: number }, span: StepSpan, spans: readonly StepSpan[]): boolean {
  let best: StepSpan | undefined;
  let most = 0;
  for (const s of spans) {
    const o = overlap(w, s);
    if (o > most) {
      best = s;
      most = o;
    }
  }
  return best ? best === span : within(w.start, span);
}

/**
 * One step's share of a run's figures. An outage belongs to the step it overlaps most (a
 * restart's outage outlives the pg_ctl command by the reconnect, and may open a few milliseconds
 * before the step with an attempt already in flight), and a flagged id to the step in which it
 * was due, so a step's row counts what its action caused. `spans` are every step of the run.
 */
export function stepFigures(
  span: StepSpan,
  downtime: Pick<Downtime, 'outages' | 'resolutionMs'>,
  ids: FlaggedIds,
  spans: readonly StepSpan[] = [span],
  lostIds: readonly string[] = [],
): StepFigures {
  const outages = downtime.outages.filter((w) => owns(w, span, spans));
  // A lost id a step claims is that step's; the others belong to the step in which they were due.
  const claimant = (i: number) => {
    const id = lostIds[i];
    return id === undefined ? undefined : spans.find((s) => s.claimedLost?.has(id));
  };
  const shown = outages.map(contractOutage);
  return {
    downtimeMs: shown.reduce((s, w) => s + w.durationMs, 0),
    failedAttempts: outages.reduce((s, w) => s + w.failedAttempts, 0),
    lost: ids.lost.filter((t, i) => {
      const owner = claimant(i);
      return owner ? owner === span : within(t, span);
    }).length,
    unexpected: ids.unexpected.filter((t) => within(t, span)).length,
    duplicated: ids.duplicated.filter((t) => within(t, span)).length,
    downtimeResolutionMs: roundMs(outages.reduce((r, w) => Math.max(r, w.resolutionMs), outages.length ? 0 : downtime.resolutionMs)),
    outages: shown,
  };
}
