import { describe, expect, it } from 'vitest';
import { compareLatency, mergedPercentiles, pairSteps, secondsOf } from '../../reports/compare/index.js';
import { second, step, steadySeconds, T0 } from './compare-fixtures.js';

describe('merged latency percentiles', () => {
  it('come from the merged histograms of every second, never from averaging per-second percentiles', () => {
    // 99 quiet seconds at 1 ms and one second where every success took 200 ms.
    const timeline = [...steadySeconds(99, 1), ...steadySeconds(1, 200, 99)];
    const p = mergedPercentiles(timeline.map((s) => s.latencyHistUs));
    expect(p.count).toBe(10_000);
    expect(p.p99).toBeCloseTo(1, 2);
    expect(p.p999).toBeCloseTo(200, 0);
    expect(p.max).toBeCloseTo(200, 0);
    // What averaging each second's p99 would have said instead.
    expect(p.p99).not.toBeCloseTo((99 * 1 + 200) / 100, 1);
  });

  it('reads p50, p90, p95, p99, p99.9 and max of a known distribution', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) / 10);
    const p = mergedPercentiles([second(0, { latencies: values }).latencyHistUs]);
    expect(p.p50).toBeCloseTo(50, 0);
    expect(p.p90).toBeCloseTo(90, 0);
    expect(p.p95).toBeCloseTo(95, 0);
    expect(p.p99).toBeCloseTo(99, 0);
    expect(p.p999).toBeCloseTo(99.9, 0);
    expect(p.max).toBeCloseTo(100, 0);
  });

  it('gives zeros for no successes at all', () => {
    expect(mergedPercentiles([second(0, { latencies: [], errors: { refused: 5 } }).latencyHistUs])).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 });
  });
});

describe('compareLatency', () => {
  const stepsOf = (name: string) => [step('wait 5 s', 'wait', 0, 5), step(name, 'logical-bluegreen', 5, 8), step('wait 5 s', 'wait', 8, 13)];

  it('puts both runs side by side over the whole soak with B/A ratios, and lag the same way', () => {
    const a = steadySeconds(13, 10);
    const b = steadySeconds(13, 12.5).map((s, i) => (i === 0 ? second(0, { latencies: Array.from({ length: 100 }, () => 12.5), lags: Array.from({ length: 100 }, (_, k) => (k < 10 ? 0.3 : 0.1)) }) : s));
    const c = compareLatency({ timeline: a, steps: stepsOf('switch') }, { timeline: b, steps: stepsOf('switch') });
    expect(c.soak.latency.a.p99).toBeCloseTo(10, 1);
    expect(c.soak.latency.b.p99).toBeCloseTo(12.5, 1);
    expect(c.soak.latency.change.p99.ratio).toBeCloseTo(1.25, 2);
    expect(c.soak.latency.change.p50.delta).toBeCloseTo(2.5, 1);
    // Lag: 10 of B's 1,300 attempts (under 1%) were sent 0.3 ms late, the rest 0.1 ms.
    expect(c.soak.lag.b.p99).toBeCloseTo(0.1, 2);
    expect(c.soak.lag.b.max).toBeCloseTo(0.3, 2);
    expect(c.soak.lag.change.max.ratio).toBeCloseTo(3, 1);
  });

  it('compares each step over the seconds that started during it, pairing steps by position when the actions match', () => {
    const a = steadySeconds(13, 5);
    // B is slower only during its upgrade step (seconds 5, 6, 7).
    const b = [...steadySeconds(5, 5), ...steadySeconds(3, 40, 5), ...steadySeconds(5, 5, 8)];
    const c = compareLatency({ timeline: a, steps: stepsOf('logical blue/green from 15') }, { timeline: b, steps: stepsOf('logical blue/green from 16') });
    expect(c.steps.map((s) => [s.nameA, s.nameB])).toEqual([
      ['wait 5 s', 'wait 5 s'],
      ['logical blue/green from 15', 'logical blue/green from 16'],
      ['wait 5 s', 'wait 5 s'],
    ]);
    expect(c.steps.map((s) => Math.round((s.latency.change.p99.ratio ?? 0) * 10) / 10)).toEqual([1, 8, 1]);
    expect(c.steps[1]?.latency.b.count).toBe(300);
  });

  it('lists a step no second of the timeline overlapped as unmeasured, with its number', () => {
    const steps = [step('wait', 'wait', 0, 3), step('late', 'command', 20, 25)];
    const c = compareLatency({ timeline: steadySeconds(3, 1), steps }, { timeline: steadySeconds(3, 1), steps });
    expect(c.steps.map((s) => s.nameA)).toEqual(['wait']);
    expect(c.unmeasured).toEqual([{ action: 'command', nameA: 'late', nameB: 'late', numberA: 2, numberB: 2 }]);
  });

  it('measures a step shorter than a second over the seconds it overlapped', () => {
    const steps = [step('switch', 'logical-bluegreen', 1.3, 1.7)];
    const c = compareLatency({ timeline: steadySeconds(3, 1), steps }, { timeline: steadySeconds(3, 2), steps });
    expect(c.steps.map((s) => [s.numberA, s.nameA, s.latency.b.count])).toEqual([[1, 'switch', 100]]);
  });
});

describe('pairSteps and secondsOf', () => {
  it('pairs by name when the runs ran different actions, each step at most once', () => {
    const a = [step('wait', 'wait', 0, 1), step('upgrade', 'pg-upgrade', 1, 2), step('wait', 'wait', 2, 3)];
    const b = [step('wait', 'wait', 0, 1), step('upgrade', 'dump-restore', 1, 2)];
    expect(pairSteps(a, b).map(([x, y]) => [x.name, y.action])).toEqual([
      ['wait', 'wait'],
      ['upgrade', 'dump-restore'],
    ]);
  });

  it('takes the seconds whose start lies in [startedAt, endedAt)', () => {
    const timeline = steadySeconds(5, 1);
    const s = { startedAt: new Date(T0 + 1000).toISOString(), endedAt: new Date(T0 + 3000).toISOString() };
    expect(secondsOf(timeline, s).map((b) => b.second)).toEqual([1, 2]);
  });
});
