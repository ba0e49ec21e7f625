import { describe, expect, it } from 'vitest';
import type { PutMetricDataCommand, PutMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { SoakPublisher, type MetricPutter } from '../../scenarios/aws/index.js';
import type { TimelineBucket } from '../../load/timeline-types.js';

const T0 = Date.parse('2026-12-02T15:00:00Z');

function bucket(second: number, o: Partial<TimelineBucket> = {}): TimelineBucket {
  const t = T0 + second * 1000;
  return {
    t,
    at: new Date(t).toISOString(),
    second,
    spanMs: 1000,
    attempts: 50,
    ok: 48,
    errors: { reset: 1, refused: 1 },
    ledgered: { ok: 24, error: 0, unknown: 0 },
    inFlight: 0,
    lagMs: { p50: 0.1, p99: 1.5, max: 2 },
    latencyMs: { p50: 1, p99: 12.5, max: 20 },
    lagHistUs: '',
    latencyHistUs: '',
    ops: {},
    ...o,
  };
}

/** Records every PutMetricData; `fail(call)` may throw instead. */
function fakePutter(fail: (call: number) => Error | undefined = () => undefined): MetricPutter & { inputs: PutMetricDataCommand['input'][] } {
  const inputs: PutMetricDataCommand['input'][] = [];
  return {
    inputs,
    async send(command) {
      inputs.push(command.input);
      const error = fail(inputs.length);
      if (error) throw error;
      return { $metadata: {} } as PutMetricDataCommandOutput;
    },
  };
}

describe('SoakPublisher', () => {
  it('puts each second\u2019s figures as high-resolution metrics, at most 1000 per request', async () => {
    const cw = fakePutter();
    const p = new SoakPublisher({ client: cw, namespace: 'Cutover/Soak', dimensions: { Scenario: 'demo' }, intervalMs: 60_000 });
    for (let s = 0; s < 250; s++) p.add(bucket(s));
    const summary = await p.close();
    expect(cw.inputs.map((i) => i.MetricData?.length)).toEqual([1000, 250]);
    expect(summary).toMatchObject({ published: 1250, requests: 2, failedRequests: 0, dropped: 0, namespace: 'Cutover/Soak', dimensions: { Scenario: 'demo' } });
    const first = cw.inputs[0]!.MetricData!.slice(0, 5);
    expect(first.map((d) => [d.MetricName, d.Value, d.Unit, d.StorageResolution])).toEqual([
      ['Attempts', 50, 'Count', 1],
      ['Successes', 48, 'Count', 1],
      ['Errors', 2, 'Count', 1],
      ['LatencyP99', 12.5, 'Milliseconds', 1],
      ['ScheduleLagP99', 1.5, 'Milliseconds', 1],
    ]);
    expect(first[0]!.Timestamp).toEqual(new Date(T0));
    expect(first[0]!.Dimensions).toEqual([{ Name: 'Scenario', Value: 'demo' }]);
    expect(cw.inputs[0]!.Namespace).toBe('Cutover/Soak');
  });

  it('publishes no latency for a second without a success (an outage), rather than a zero', async () => {
    const cw = fakePutter();
    const p = new SoakPublisher({ client: cw, namespace: 'N', dimensions: {}, intervalMs: 60_000 });
    p.add(bucket(0, { ok: 0, errors: { refused: 50 } }));
    await p.close();
    expect(cw.inputs[0]!.MetricData!.map((d) => `${d.MetricName}=${d.Value}`)).toEqual(['Attempts=50', 'Successes=0', 'Errors=50', 'ScheduleLagP99=1.5']);
  });

  it('counts failed requests and never throws; throttled points are kept for the next attempt', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const denied = Object.assign(new Error('no'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const cw = fakePutter((call) => (call === 1 ? throttled : call === 2 ? denied : undefined));
    const p = new SoakPublisher({ client: cw, namespace: 'N', dimensions: {}, intervalMs: 60_000 });
    p.add(bucket(0));
    await p.flush(); // throttled: the 5 points stay queued
    p.add(bucket(1));
    await p.flush(); // denied: the 10 points are dropped
    p.add(bucket(2));
    const summary = await p.close();
    expect(cw.inputs.map((i) => i.MetricData?.length)).toEqual([5, 10, 5]);
    expect(summary).toMatchObject({ published: 5, requests: 3, failedRequests: 2, throttled: 1, dropped: 10 });
    expect(summary.errors).toEqual([expect.stringMatching(/throttled .*Throttling: Rate exceeded/), expect.stringMatching(/failed \(10 points dropped\): AccessDenied: no \(HTTP 403\)/)]);
  });

  it('does not hold the soak up: add returns while a request hangs, and close gives up at its deadline', async () => {
    const cw: MetricPutter = { send: () => new Promise(() => {}) };
    const p = new SoakPublisher({ client: cw, namespace: 'N', dimensions: {}, intervalMs: 60_000 });
    p.add(bucket(0));
    void p.flush();
    const started = Date.now();
    for (let s = 1; s < 100; s++) p.add(bucket(s));
    expect(Date.now() - started).toBeLessThan(100);
    const summary = await p.close(200);
    expect(summary.published).toBe(0);
    expect(summary.dropped).toBe(99 * 5);
  });
});
