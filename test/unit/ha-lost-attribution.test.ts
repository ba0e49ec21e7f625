import { describe, expect, it } from 'vitest';
import { stepFigures, type StepSpan } from '../../load/analysis/step-breakdown.js';

/**
 * A failover loses writes that were due before it (acknowledged by the old primary while the
 * standby lagged): the step that promoted claims them, so its row counts them, not the row of the
 * step in which they happened to be due.
 */
describe('lost ids claimed by a promotion', () => {
  const downtime = { outages: [], resolutionMs: 5 };
  const before: StepSpan = { startedAt: 1_000, endedAt: 2_000 };
  const failover: StepSpan = { startedAt: 2_000, endedAt: 3_000, claimedLost: new Set(['11', '12']) };
  const spans = [before, failover];
  // Ids 11 and 12 were due during the first step, 13 too but nobody claims it; 14 during the failover.
  const ids = { lost: [1_500, 1_600, 1_700, 2_500], unexpected: [], duplicated: [] };
  const lostIds = ['11', '12', '13', '14'];

  it('counts claimed ids in the claiming step and the others by due time', () => {
    expect(stepFigures(before, downtime, ids, spans, lostIds).lost).toBe(1);
    expect(stepFigures(failover, downtime, ids, spans, lostIds).lost).toBe(3);
  });

  it('without ids (older callers) counts by due time only', () => {
    expect(stepFigures(before, downtime, ids, spans).lost).toBe(3);
    expect(stepFigures(failover, downtime, ids, spans).lost).toBe(1);
  });
});
