import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { NO_LIMITS, buildComparison, parsePercent, parsePercentile, parseSeverity, type CompareLimits, type RunInputs } from '../../reports/compare/index.js';
import { compareLimits } from '../../cli/compare-action.js';
import { baseline, chain, finding, findingsOf, manifest, postSnapshot, second, step, steadySeconds, runInputs } from './compare-fixtures.js';

const steps = [step('wait', 'wait', 0, 10)];

/** Run A: 10 ms successes, 100/s, 50 ms downtime, one plan and one warn finding. */
function runA(): RunInputs {
  return runInputs('runs/a', manifest('a', '15.18', '16.14', [step('wait', 'wait', 0, 10, { downtimeMs: 50 })]), {
    timeline: steadySeconds(10, 10),
    post: postSnapshot('16.14', [baseline('by-user', chain('Limit', { node: 'Index Scan', index: 'by_user' }), 100)]),
    findings: findingsOf([finding('server/version-major', 'info'), finding('rows/rows-grew:app', 'warn', 'app.t')]),
  });
}

function gate(b: RunInputs, limits: Partial<CompareLimits>, a = runA()) {
  return buildComparison(a, b, { ...NO_LIMITS, ...limits }).gate;
}

describe('the compare gate', () => {
  it('passes with no results when no limit is set, however different the runs are', () => {
    const b = runInputs('runs/b', manifest('b', '15.18', '17.10', steps), { timeline: steadySeconds(10, 1000) });
    expect(gate(b, {})).toEqual({ verdict: 'pass', limits: NO_LIMITS, results: [], thresholds: [] });
  });

  it('fails a latency regression of the chosen percentile above the limit and passes one within it', () => {
    const b = runInputs('runs/b', runA().manifest, { timeline: steadySeconds(10, 12.4) });
    const within = gate(b, { maxLatencyRegression: 0.25 });
    expect(within.verdict).toBe('pass');
    expect(within.results[0]).toMatchObject({ id: 'compare/latency-p99', passed: true, severity: 'info', limit: '--max-latency-regression 25%' });
    const tight = gate(b, { maxLatencyRegression: 0.2 });
    expect(tight.verdict).toBe('fail');
    expect(tight.results[0]).toMatchObject({ id: 'compare/latency-p99', passed: false, severity: 'fail', checkId: 'compare' });
    expect(tight.results[0]?.message).toMatch(/^latency p99 rose 24% \(10 ms -> 12\.4 ms\), above --max-latency-regression 20%$/);
  });

  it('applies the latency limit to --latency-percentile', () => {
    // B's p50 is unchanged, its p95 is 5x: one slow success in ten.
    const slowTail = Array.from({ length: 10 }, (_, i) => second(i, { latencies: Array.from({ length: 100 }, (_, k) => (k < 10 ? 50 : 10)) }));
    const b = runInputs('runs/b', runA().manifest, { timeline: slowTail });
    expect(gate(b, { maxLatencyRegression: 0.25, latencyPercentile: 'p50' }).verdict).toBe('pass');
    const p95 = gate(b, { maxLatencyRegression: 0.25, latencyPercentile: 'p95' });
    expect(p95.verdict).toBe('fail');
    expect(p95.results[0]?.id).toBe('compare/latency-p95');
    expect(p95.results[0]?.message).toMatch(/latency p95 rose 400%/);
  });

  it('with a 0% limit fails on any rise and passes on equal latency', () => {
    const same = runInputs('runs/b', runA().manifest, { timeline: steadySeconds(10, 10) });
    expect(gate(same, { maxLatencyRegression: 0 }).verdict).toBe('pass');
    const slower = runInputs('runs/b', runA().manifest, { timeline: steadySeconds(10, 10.1) });
    expect(gate(slower, { maxLatencyRegression: 0 }).verdict).toBe('fail');
  });

  it('fails a drop of successes per second above --max-throughput-drop', () => {
    // B: 10 of every 100 attempts fail, so 90 successes per second instead of 100.
    const failing = Array.from({ length: 10 }, (_, i) => second(i, { latencies: Array.from({ length: 90 }, () => 10), errors: { refused: 10 } }));
    const b = runInputs('runs/b', runA().manifest, { timeline: failing });
    expect(gate(b, { maxThroughputDrop: 0.1 }).verdict).toBe('pass');
    const result = gate(b, { maxThroughputDrop: 0.05 });
    expect(result.verdict).toBe('fail');
    expect(result.results[0]?.message).toBe('successes per second fell 10% (100.0/s -> 90.0/s), above --max-throughput-drop 5%');
  });

  it('fails a downtime increase above --max-downtime-increase', () => {
    const b = runInputs('runs/b', manifest('b', '15.18', '17.10', [step('wait', 'wait', 0, 10, { downtimeMs: 650 })]), { timeline: steadySeconds(10, 10) });
    expect(gate(b, { maxDowntimeIncreaseMs: 600 }).verdict).toBe('pass');
    const r = gate(b, { maxDowntimeIncreaseMs: 500 });
    expect(r.verdict).toBe('fail');
    expect(r.results[0]?.message).toBe('downtime rose 50 ms -> 650 ms, +600 ms, above --max-downtime-increase 500ms');
  });

  it('fails each plan that changed shape with --fail-on-plan-change, and costs above --max-plan-cost-increase', () => {
    const b = runInputs('runs/b', runA().manifest, {
      timeline: steadySeconds(10, 10),
      post: postSnapshot('17.10', [baseline('by-user', chain('Limit', 'Sort', { node: 'Seq Scan', relation: 't' }), 180)]),
    });
    const r = gate(b, { failOnPlanChange: true, maxPlanCostIncrease: 0.5 });
    expect(r.verdict).toBe('fail');
    expect(r.results.map((x) => [x.id, x.passed, x.object])).toEqual([
      ['compare/plan-change:by-user', false, 'by-user'],
      ['compare/plan-cost:by-user', false, 'by-user'],
    ]);
    expect(r.results[0]?.message).toMatch(/^plan of by-user changed shape: - -> Index Scan using by_user; \+ -> Sort; \+ {3}-> Seq Scan on t$/);
    expect(r.results[1]?.message).toBe('estimated cost of by-user rose +80% (100 -> 180), above --max-plan-cost-increase 50%');
    // The same plans pass when nothing changed.
    const same = gate(runA(), { failOnPlanChange: true, maxPlanCostIncrease: 0 });
    expect(same.verdict).toBe('pass');
    expect(same.results.map((x) => x.message)).toEqual(['no plan changed shape (1 compared)', 'no estimated cost rose above 0% (1 compared)']);
  });

  it('fails on findings of B at the severity asked that A did not have', () => {
    const b = runInputs('runs/b', runA().manifest, {
      findings: findingsOf([finding('server/version-major', 'info'), finding('rows/rows-grew:app', 'warn', 'app.t'), finding('server/setting-changed:x', 'info', 'x'), finding('extensions/dropped:vector', 'fail', 'vector')]),
    });
    expect(gate(b, { failOnNewFindings: 'fail' }).results.map((x) => x.id)).toEqual(['compare/new-finding:extensions/dropped:vector']);
    const upgraded = runInputs('runs/b', runA().manifest, { findings: findingsOf([finding('rows/rows-grew:app', 'fail', 'app.t')]) });
    const r = gate(upgraded, { failOnNewFindings: 'warn' });
    expect(r.verdict).toBe('fail');
    expect(r.results[0]?.message).toBe('fail finding rows/rows-grew:app was warn in RUN_A: finding rows/rows-grew:app');
    expect(gate(runA(), { failOnNewFindings: 'warn' }).verdict).toBe('pass');
  });

  it('refuses a limit whose input a run lacks, naming the limit and the run, rather than passing silently', () => {
    const b = runInputs('runs/b', runA().manifest, {});
    const cases: [Partial<CompareLimits>, RegExp][] = [
      [{ maxLatencyRegression: 0.1 }, /^--max-latency-regression: RUN_B has no timeline\.ndjson/],
      [{ maxThroughputDrop: 0.1 }, /^--max-throughput-drop: RUN_B has no timeline\.ndjson/],
      [{ failOnPlanChange: true }, /^--fail-on-plan-change: RUN_B has no post\.snapshot\.json/],
      [{ failOnNewFindings: 'warn' }, /^--fail-on-new-findings: RUN_B has no findings\.json/],
    ];
    for (const [limits, message] of cases) {
      const error = (() => {
        try {
          gate(b, limits);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CutoverError);
      expect((error as CutoverError).exitCode).toBe(2);
      expect((error as CutoverError).shortMessage).toMatch(message);
    }
  });
});

describe('compare flags', () => {
  it('parse percentages with or without %, percentiles by label, severities', () => {
    expect(parsePercent('--x', '25%')).toBe(0.25);
    expect(parsePercent('--x', '2.5')).toBeCloseTo(0.025, 6);
    expect(parsePercent('--x', '0%')).toBe(0);
    expect(parsePercentile('--latency-percentile', 'p99.9')).toBe('p999');
    expect(parsePercentile('--latency-percentile', 'P95')).toBe('p95');
    expect(parseSeverity('--fail-on-new-findings', 'warn')).toBe('warn');
  });

  it('reject malformed values with the option, what was expected and what was given', () => {
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect((e as CutoverError).code).toBe('usage');
        return (e as CutoverError).shortMessage;
      }
      throw new Error('no error');
    };
    expect(message(() => compareLimits({ maxLatencyRegression: 'lots' }))).toBe('--max-latency-regression: expected a percentage of 0 or more such as 25% or 2.5%, got "lots"');
    expect(message(() => compareLimits({ maxThroughputDrop: '-5%' }))).toMatch(/^--max-throughput-drop: expected a percentage .*got "-5%"$/);
    expect(message(() => compareLimits({ latencyPercentile: 'p42' }))).toBe('--latency-percentile: expected one of p50, p90, p95, p99, p99.9, max, got "p42"');
    expect(message(() => compareLimits({ maxDowntimeIncrease: 'soon' }))).toMatch(/^--max-downtime-increase: expected a duration .*got "soon"$/);
    expect(message(() => compareLimits({ failOnNewFindings: 'info' }))).toBe('--fail-on-new-findings: expected warn or fail, got "info"');
  });

  it('turn into limits, with p99 and no plan gate by default', () => {
    expect(compareLimits({})).toEqual(NO_LIMITS);
    expect(compareLimits({ maxLatencyRegression: '25%', latencyPercentile: 'p95', maxDowntimeIncrease: '500ms', failOnPlanChange: true })).toEqual({
      latencyPercentile: 'p95',
      maxLatencyRegression: 0.25,
      maxDowntimeIncreaseMs: 500,
      failOnPlanChange: true,
    });
  });
});
