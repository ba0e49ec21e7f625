import { describe, expect, it } from 'vitest';
import { outageWindows, type AttemptOutcome } from '../../load/outages.js';

const ok = (dueAt: number, latency = 2): AttemptOutcome => ({ dueAt, completedAt: dueAt + latency, ok: true });
const fail = (dueAt: number, cls: AttemptOutcome['errorClass'] = 'refused'): AttemptOutcome => ({ dueAt, completedAt: dueAt + 1, ok: false, errorClass: cls });

describe('outageWindows', () => {
  it('opens at the due time of the first failure and closes at the completion of the next success', () => {
    const w = outageWindows([ok(0), ok(20), fail(40), fail(60, 'admin-shutdown'), ok(80, 5), ok(100)]);
    expect(w).toEqual([{ start: 40, end: 85, durationMs: 45, failedAttempts: 2, errorClasses: { refused: 1, 'admin-shutdown': 1 } }]);
  });

  it('gives one window per outage and none when every attempt succeeds', () => {
    expect(outageWindows([ok(0), ok(20)])).toEqual([]);
    const w = outageWindows([ok(0), fail(20), ok(40), ok(60), fail(80), fail(100), ok(120)]);
    expect(w.map((x) => [x.start, x.failedAttempts])).toEqual([[20, 1], [80, 2]]);
  });

  it('orders attempts by due time, whatever order they completed in', () => {
    const w = outageWindows([ok(60), fail(20), ok(0), fail(40)]);
    expect(w).toHaveLength(1);
    expect(w[0]?.start).toBe(20);
    expect(w[0]?.end).toBe(62);
  });

  it('marks a window still open at the end of the run', () => {
    const w = outageWindows([ok(0), fail(20), fail(40)]);
    expect(w[0]?.open).toBe(true);
    expect(w[0]?.failedAttempts).toBe(2);
  });
});
