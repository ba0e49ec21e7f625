import { describe, expect, it } from 'vitest';
import { NO_LIMITS, buildComparison, comparisonLines, renderComparisonHtml, renderComparisonJson, type Paint, type RunInputs } from '../../reports/compare/index.js';
import { baseline, chain, finding, findingsOf, manifest, postSnapshot, second, step, steadySeconds, runInputs } from './compare-fixtures.js';

const HOSTILE = '<script>alert("x")</script>';
const plainPaint: Paint = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };

function runs(): [RunInputs, RunInputs] {
  const steps = (name: string) => [step('wait 5 s', 'wait', 0, 5), step(name, 'logical-bluegreen', 5, 8, { downtimeMs: 80, outages: [] }), step('wait 5 s', 'wait', 8, 10)];
  const shapeA = chain('Limit', { node: 'Index Scan', relation: 'notifications', index: 'by_user' });
  const shapeB = chain('Limit', 'Sort', { node: 'Seq Scan', relation: `t${HOSTILE}` });
  const a = runInputs('runs/a', manifest(`to16 ${HOSTILE}`, '15.18', '16.14', steps('logical blue/green from 15.18')), {
    timeline: steadySeconds(10, 4),
    post: postSnapshot('16.14', [baseline('same-plan', shapeA, 10), baseline(`q<img src=x onerror=alert(1)>`, shapeA, 10)]),
    findings: findingsOf([finding('server/version-major', 'info')]),
  });
  const b = runInputs('runs/b', manifest('to17', '15.18', '17.10', steps(`logical blue/green from 15.18 ${HOSTILE}`)), {
    timeline: [...steadySeconds(9, 6), second(9, { latencies: [6, 6], errors: { [`sqlstate-${HOSTILE}`]: 3 } })],
    post: postSnapshot('17.10', [baseline('same-plan', shapeA, 10), baseline(`q<img src=x onerror=alert(1)>`, shapeB, 25)]),
    findings: findingsOf([finding('server/version-major', 'info'), finding('rows/grew', 'warn', `app.${HOSTILE}`, `grew "a lot" & <b>bold</b>`)]),
  });
  return [a, b];
}

function comparison() {
  const [a, b] = runs();
  return buildComparison(a, b, { ...NO_LIMITS, maxLatencyRegression: 0.1, failOnPlanChange: true }, { generatedAt: '2025-01-01T12:00:00.000Z' });
}

describe('the comparison page', () => {
  const html = renderComparisonHtml(comparison());

  it('renders every name from the runs as text, with no markup, handler or network reference of its own', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/<img/);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/i);
    expect(html).not.toMatch(/url\(|@import/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('q&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('grew &quot;a lot&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain("content=\"default-src 'none'");
  });

  it('shows both runs, the latency side by side, the changed plan as a diff, the findings of one run only, and the gate', () => {
    expect(html).toContain('15.18 → 16.14');
    expect(html).toContain('15.18 → 17.10');
    expect(html).toMatch(/<th>p99<\/th><td class="num">4<\/td><td class="num">6<\/td><td class="num ratio-worse">1\.50x<\/td>/);
    expect(html).toMatch(/<span class="diff-add">\+ -&gt; Sort<\/span>/);
    expect(html).toMatch(/<span class="diff-del">- -&gt; Index Scan using by_user on notifications<\/span>/);
    expect(html).toMatch(/only in B<\/td><td><span class="muted">absent<\/span><\/td><td><span class="badge sev-warn">warn<\/span>/);
    expect(html).toContain('<span class="verdict verdict-fail">FAIL</span>');
    expect(html).toContain('--max-latency-regression 10%');
    expect(html).toMatch(/<code>compare\/plan-change:q&lt;img/);
  });
});

describe('the terminal summary', () => {
  const lines = comparisonLines(comparison(), plainPaint);

  it('aligns the latency table and shows every percentile of both runs with B/A', () => {
    const start = lines.findIndex((l) => l.startsWith('latency, ms (whole soak)'));
    const table = lines.slice(start, start + 10);
    expect(table.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['latency, ms (whole soak)', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'schedule lag p99', 'successes measured', 'latency p99 by step, ms']);
    expect(table[4]).toMatch(/^ {2}p99\s+4\s+6\s+1\.50x$/);
    // Right-aligned columns end at the same place.
    expect(new Set(table.slice(0, 8).map((l) => l.length)).size).toBe(1);
  });

  it('shows throughput with error classes, the plans, the new finding, and each limit with the verdict', () => {
    const text = lines.join('\n');
    expect(text).toMatch(/^ {2}failed attempts\s+0\s+3\s+\+3$/m);
    expect(text).toMatch(/^ {2}downtime, ms\s+80\s+80\s+0 ms$/m);
    expect(text).toMatch(/^plans: 2 compared, 1 same shape, 1 changed$/m);
    expect(text).toMatch(/^ {2}only B {2}— -> WARN {2}rows\/grew/m);
    expect(text).toMatch(/^ {2}FAIL compare\/latency-p99 {2}latency p99 rose 50% \(4 ms -> 6 ms\), above --max-latency-regression 10%$/m);
    expect(text).toMatch(/^ {2}FAIL compare\/plan-change:q<img/m);
    expect(lines[lines.length - 1]).toBe('verdict: FAIL');
  });

  it("aligns the header: each run's method, versions and verdict start in the same column", () => {
    const [a, b] = runs();
    a.dir = 'runs/20250101-100000-to16';
    b.dir = 'runs/20250101-110000-logical-15.18-to-17.10';
    const [lineA, lineB] = comparisonLines(buildComparison(a, b, NO_LIMITS), plainPaint);
    expect(lineA?.indexOf('logical 15.18 -> 16.14')).toBe(lineB?.indexOf('logical 15.18 -> 17.10'));
    expect(lineA?.indexOf('verdict pass')).toBe(lineB?.indexOf('verdict pass'));
    expect(lineA).toMatch(/^A {2}runs\/20250101-100000-to16 +logical/);
  });

  it('names every step by number, the sub-second upgrade step and both waits of the same name included', () => {
    // The switchover lasts 400 ms and starts mid-second: no second of the timeline starts inside it.
    const steps = (name: string) => [
      step('wait 5 s', 'wait', 0, 5.3),
      step(name, 'logical-bluegreen', 5.3, 5.7, { downtimeMs: 80, outages: [] }),
      step('wait 5 s', 'wait', 5.7, 10),
    ];
    const a = runInputs('runs/a', manifest('to16', '15.18', '16.14', steps('logical blue/green')), { timeline: steadySeconds(10, 4) });
    const b = runInputs('runs/b', manifest('to17', '15.18', '17.10', steps('logical blue/green')), { timeline: steadySeconds(10, 6) });
    const c = buildComparison(a, b, NO_LIMITS);
    const text = comparisonLines(c, plainPaint);
    const start = text.findIndex((l) => l.startsWith('latency p99 by step, ms'));
    expect(text.slice(start + 1, start + 4).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['1. wait 5 s', '2. logical blue/green', '3. wait 5 s']);
    const html = renderComparisonHtml(c);
    expect(html).toContain('<td>2. logical blue/green</td>');
    expect(html).toContain('<td>3. wait 5 s</td>');
  });

  it('never lets a control character from a run directory reach the terminal', () => {
    const [a, b] = runs();
    a.manifest.name = 'evil\u001b[2J';
    a.dir = 'runs/\u001b]0;title\u0007';
    const text = comparisonLines(buildComparison(a, b, NO_LIMITS), plainPaint).join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/);
  });
});

describe('the JSON output', () => {
  it('is the comparison object itself', () => {
    const c = comparison();
    const parsed = JSON.parse(renderComparisonJson(c));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(c)));
    expect(parsed).toMatchObject({ kind: 'cutover.comparison', schemaVersion: 1, gate: { verdict: 'fail' }, a: { from: '15.18', to: '16.14' }, b: { to: '17.10' } });
  });
});
