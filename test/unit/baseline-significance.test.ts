import { describe, expect, it } from 'vitest';
import { studentTQuantile } from '../../reports/compare/student-t.js';
import { compareBaselines } from '../../reports/compare/baseline-comparison.js';
import { repeatSamples } from '../../reports/compare/repeat-samples.js';
import { sideFigures } from '../../reports/compare/bootstrap.js';
import { mergedPercentiles } from '../../reports/compare/latency-percentiles.js';
import { syntheticSides, type SideSpec } from './baseline-fixtures.js';

const same: SideSpec = { medianMs: 2, withinSd: 0.4, betweenSd: 0.1, tps: 150, seconds: 4 };

describe('Student t quantiles', () => {
  it('match the tables (two-sided 95%) for 2, 4 and many degrees of freedom', () => {
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTQuantile(0.995, 3.5)).toBeGreaterThan(studentTQuantile(0.995, 4));
  });
});

describe('baseline figures', () => {
  it('with nothing resampled, equal the percentiles of the merged HDR histograms and the mean TPS of the repeats', () => {
    const { a } = syntheticSides(same, same, 7);
    const { table, a: samples } = repeatSamples({ a: a.repeats.map((r) => ({ repeat: r.repeat.index, buckets: r.buckets })), b: [] });
    const figures = sideFigures(table, samples, [50, 99]);
    const merged = mergedPercentiles(a.repeats.flatMap((r) => r.buckets.map((b) => b.latencyHistUs)));
    expect(figures.latencyMs[0]).toBeCloseTo(merged.p50, 6);
    expect(figures.latencyMs[1]).toBeCloseTo(merged.p99, 6);
    const tps = a.repeats.map((r) => r.buckets.reduce((s, b) => s + b.ok, 0) / r.buckets.length);
    expect(figures.tps).toBeCloseTo(tps.reduce((s, x) => s + x, 0) / tps.length, 6);
  });
});

describe('compareBaselines', () => {
  it('finds a 60% latency regression significant, higher and worse, with the size inside its interval; TPS lower', () => {
    const { a, b } = syntheticSides(same, { ...same, medianMs: 3.2, tps: 150 / 1.6 }, 11);
    const c = compareBaselines(a, b, { iterations: 500 });
    const p50 = c.metrics.find((m) => m.key === 'p50');
    expect(p50).toMatchObject({ significant: true, direction: 'higher', worse: true });
    expect(p50?.change).toBeGreaterThan(0.35);
    expect(p50?.change).toBeLessThan(0.9);
    expect(p50?.stats?.interval.low).toBeGreaterThan(1);
    expect(p50?.stats?.interval.low).toBeLessThan(1.6);
    expect(p50?.stats?.interval.high).toBeGreaterThan(1.6);
    const tps = c.metrics.find((m) => m.key === 'tps');
    expect(tps).toMatchObject({ significant: true, direction: 'lower', worse: true });
  });

  it('is reproducible: the same inputs and seed give the same intervals, another seed other bootstrap bounds', () => {
    const { a, b } = syntheticSides(same, same, 3);
    const one = compareBaselines(a, b, { iterations: 300 });
    const two = compareBaselines(a, b, { iterations: 300 });
    expect(two.metrics).toEqual(one.metrics);
    const other = compareBaselines(a, b, { iterations: 300, seed: 99 });
    expect(other.metrics[0]?.stats?.bootstrap).not.toEqual(one.metrics[0]?.stats?.bootstrap);
  });

  it('leaves out invalid repeats and, with fewer than two valid on a side, claims nothing and says why', () => {
    const { a, b } = syntheticSides(same, { ...same, invalid: [1, 2] }, 5);
    const c = compareBaselines(a, b, { iterations: 100 });
    expect(c.b.valid).toBe(1);
    expect(c.notes.join('\n')).toMatch(/B .*2 of 3 repeats invalid and left out/);
    for (const m of c.metrics) {
      expect(m).toMatchObject({ judged: false, significant: false });
      expect(m.reason).toMatch(/at least 2 per side/);
    }
  });

  // The reason for the noise floor: with three repeats a side, the bootstrap alone sees too little
  // of the drift between repeats. 200 A/A comparisons of a drifting machine: the bootstrap's own
  // interval calls more than twice the 5% of them significant, the combined judgement at most about 5%.
  it('A/A on a drifting machine, 3 repeats a side: at most ~5% of comparisons significant (the bootstrap alone: more than twice that)', () => {
    let combined = 0;
    let bootstrapOnly = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const { a, b } = syntheticSides({ ...same, seconds: 3, tps: 60 }, { ...same, seconds: 3, tps: 60 }, 1000 + seed);
      const c = compareBaselines(a, b, { iterations: 200, seed });
      if (c.metrics.some((m) => m.significant)) combined++;
      if (c.metrics.some((m) => m.stats && (m.stats.bootstrap.low > 1 || m.stats.bootstrap.high < 1))) bootstrapOnly++;
    }
    console.log(`A/A synthetic: combined ${combined}/${runs}, bootstrap alone ${bootstrapOnly}/${runs}`);
    expect(combined / runs).toBeLessThanOrEqual(0.07);
    expect(bootstrapOnly / runs).toBeGreaterThan(0.1);
  });
});
