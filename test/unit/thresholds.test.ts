import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { resolveConfig } from '../../core/config.js';
import { parseThreshold, parseThresholds } from '../../core/threshold-expression.js';
import { evaluateThresholds, thresholdLines, timelineFigures, crossedReason } from '../../reports/thresholds/index.js';
import { second } from './compare-fixtures.js';

const plain = { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s };

describe('parseThreshold', () => {
  it("reads k6's shapes: p(N), med, avg, rate, count, value, and percentages for changes", () => {
    expect(parseThreshold('latency', 'p(99)<50')).toEqual({ metric: 'latency', source: 'p(99)<50', aggregation: 'p', percentile: 99, operator: '<', value: 50 });
    expect(parseThreshold('latency', 'med <= 5')).toMatchObject({ aggregation: 'med', percentile: 50, operator: '<=', value: 5 });
    expect(parseThreshold('errors', 'rate<0.001')).toMatchObject({ aggregation: 'rate', value: 0.001 });
    expect(parseThreshold('tps', 'value>1000')).toMatchObject({ aggregation: 'value', operator: '>', value: 1000 });
    expect(parseThreshold('latency_change', 'p(99.9)<10%')).toMatchObject({ percentile: 99.9, value: 0.1 });
    expect(parseThreshold('tps_change', 'value>-5%')).toMatchObject({ value: -0.05 });
  });

  it.each([
    ['latency', 'p99<50', /thresholds.latency: expected an aggregation \(p\(N\), avg, med, min, max\).*got 'p99<50'/],
    ['latency', 'p(99)=<50', /expected an aggregation .* such as 'p\(99\)<50', got 'p\(99\)=<50'/],
    ['errors', 'rate<1%', /errors is judged in a fraction .* not a percentage, got 'rate<1%'/],
    ['latency_change', 'p(99)<10', /the % is missing/],
    ['latency_change', 'p(75)<10%', /latency_change has no aggregation p\(75\); expected an aggregation \(p\(50\), p\(90\), p\(95\), p\(99\), p\(99.9\), med\).*got 'p\(75\)<10%'/],
    ['throughput', 'value>5', /unknown figure "throughput": expected one of latency, errors, tps, latency_change, tps_change/],
  ])('%s %s is a config error naming the threshold and what was expected', (metric, text, message) => {
    try {
      parseThreshold(metric, text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CutoverError);
      expect((error as CutoverError).code).toBe('config');
      expect((error as CutoverError).shortMessage).toMatch(message);
    }
  });

  it('fails the configuration at load, naming the threshold by its place', () => {
    expect(() => resolveConfig({ thresholds: { latency: ['p(99)<50', 'p(50)<<5'] } }, 'cutover.config.json')).toThrow(
      /cutover.config.json: option "thresholds.latency\[2\]": expected an aggregation .* got 'p\(50\)<<5'/,
    );
    expect(resolveConfig({ thresholds: { latency: ['p(99)<50'] } }).thresholds).toEqual({ latency: ['p(99)<50'] });
  });
});

describe('evaluateThresholds', () => {
  const seconds = [second(0, { latencies: Array.from({ length: 99 }, () => 2).concat([40]), errors: { network: 1 } }), second(1, { latencies: Array.from({ length: 100 }, () => 3) })];
  const t = parseThresholds({ latency: ['p(99)<50', 'p(50)<2.5', 'avg<10'], errors: ['rate<0.001'], tps: ['value>50'], latency_change: ['p(99)<10%'] });

  it('judges a soak timeline: latency percentiles from the merged histograms, error rate, TPS; changes do not apply', () => {
    const results = evaluateThresholds(t, timelineFigures(seconds, t));
    expect(results.map((r) => [r.threshold, r.passed])).toEqual([
      ['p(99)<50', true],
      ['p(50)<2.5', false],
      ['avg<10', true],
      ['rate<0.001', false],
      ['value>50', true],
    ]);
    expect(thresholdLines(results, plain)).toEqual([
      'thresholds:',
      '  latency',
      "  ✓ 'p(99)<50' p(99)=3.001ms",
      "  ✗ 'p(50)<2.5' p(50)=3.001ms",
      expect.stringMatching(/^ {2}✓ 'avg<10' avg=2\.\d+ms$/),
      '  errors',
      "  ✗ 'rate<0.001' rate=0.498%",
      '  tps',
      "  ✓ 'value>50' value=100.0/s",
    ]);
    expect(crossedReason(results)).toMatch(/^2 of 5 thresholds crossed: latency 'p\(50\)<2.5' \(p\(50\)=3.001ms\), errors 'rate<0.001'/);
  });

  it('a change beyond its threshold crosses it only when significant', () => {
    const change = (significant: boolean | null) => ({ change: { latency: () => ({ change: 0.3, significant, interval: { low: 0.9, high: 1.6 } }), tps: null } });
    expect(evaluateThresholds(t, change(false))[0]).toMatchObject({ passed: true, shown: 'p(99)=+30% (B/A 0.90x–1.60x, within the noise)', note: expect.stringMatching(/within the noise/) });
    expect(evaluateThresholds(t, change(true))[0]).toMatchObject({ passed: false });
    expect(evaluateThresholds(t, change(null))[0]).toMatchObject({ passed: false });
  });
});

describe('change thresholds on a comparison of two soaks (no baselines)', () => {
  it('judge the point estimates of the whole soaks: nothing measured their noise', async () => {
    const { buildComparison, NO_LIMITS } = await import('../../reports/compare/index.js');
    const { manifest, runInputs, steadySeconds } = await import('./compare-fixtures.js');
    const a = runInputs('runs/a', manifest('a', '15.18', '16.14', []), { timeline: steadySeconds(5, 2) });
    const b = runInputs('runs/b', manifest('b', '15.18', '17.10', []), { timeline: steadySeconds(5, 3) });
    const c = buildComparison(a, b, NO_LIMITS, { thresholds: parseThresholds({ latency_change: ['p(99)<10%', 'p(50)<60%'], tps_change: ['value>-5%'], latency: ['p(99)<1'] }) });
    expect(c.gate.thresholds.map((r) => [r.threshold, r.shown, r.passed])).toEqual([
      ['p(99)<10%', 'p(99)=+50%', false],
      ['p(50)<60%', 'p(50)=+50%', true],
      ['value>-5%', 'value=0%', true],
    ]);
    expect(c.gate.verdict).toBe('fail');
  });
});
