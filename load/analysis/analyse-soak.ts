import type { WriterLedger } from '../ledger-types.js';
import type { VerifyCounts, VerifyIds } from '../verify-tally.js';
import { combineLanes, type Downtime } from './combine-lanes.js';
import { flaggedDueTimes } from './flagged-ids.js';
import type { LaneAnalysis } from './lane-tracker.js';
import type { SeqClock } from './seq-clock.js';
import { soakSummary, type SoakSummary } from './soak-summary.js';
import { stepFigures, type StepFigures, type StepSpan } from './step-breakdown.js';

export interface SoakAnalysis {
  /** The `--json` contract. */
  summary: SoakSummary;
  downtime: Downtime;
  /** One entry per step span given, in order. */
  steps: StepFigures[];
}

/**
 * Turns what a soak saw (its lanes) and what verification found into the run's figures: the
 * contract summary, the downtime with its resolution and source, and each step's share.
 */
export function analyseSoak(o: {
  lanes: { driver: LaneAnalysis; probe?: LaneAnalysis };
  verification: VerifyCounts & { ids: VerifyIds };
  ledgers: readonly WriterLedger[];
  clock: SeqClock;
  steps?: readonly StepSpan[];
}): SoakAnalysis {
  const downtime = combineLanes(o.lanes.driver, o.lanes.probe);
  const summary = soakSummary(o.verification, downtime);
  const flagged = flaggedDueTimes(o.verification.ids, o.ledgers, o.clock);
  const spans = o.steps ?? [];
  const steps = spans.map((span) => stepFigures(span, downtime, flagged, spans, o.verification.ids.lost));
  return { summary, downtime, steps };
}
