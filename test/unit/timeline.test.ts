import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, mergeHistograms, newHistogram, recordMs, summariseHistogram } from '../../load/latency-histogram.js';
import { TimelineRecorder } from '../../load/timeline-recorder.js';
import { readTimeline, summariseWindow } from '../../load/timeline-reader.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { TimelineWriter } from '../../load/timeline-writer.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('latency histograms', () => {
  it('survive serialisation and merge into the same percentiles as one histogram of all values', () => {
    const a = newHistogram();
    const b = newHistogram();
    const all = newHistogram();
    for (let i = 1; i <= 1000; i++) {
      recordMs(i % 2 ? a : b, i / 10);
      recordMs(all, i / 10);
    }
    const round = decodeHistogram(encodeHistogram(a));
    expect(round.totalCount).toBe(500);
    expect(summariseHistogram(round)).toEqual(summariseHistogram(a));
    const merged = summariseHistogram(mergeHistograms([encodeHistogram(a), encodeHistogram(b)]));
    expect(merged).toEqual(summariseHistogram(all));
    expect(merged.count).toBe(1000);
    expect(merged.p50).toBeCloseTo(50, 1);
    expect(merged.max).toBeCloseTo(100, 1);
  });

  it('keeps microseconds and counts negative durations as zero', () => {
    const h = newHistogram();
    recordMs(h, 0.123);
    recordMs(h, -4);
    const s = summariseHistogram(h);
    expect(s.max).toBeCloseTo(0.123, 3);
    expect(s.p50).toBe(0);
  });
});

describe('TimelineRecorder', () => {
  it('emits one bucket per second of the run, empty seconds included, the last one partial', () => {
    const buckets: TimelineBucket[] = [];
    const r = new TimelineRecorder(1000, 1_700_000_000_000, (b) => buckets.push(b), () => 3);
    r.dispatched(1000.5, 0.5, 'insert-event');
    r.completed(1002, { op: 'insert-event', ok: true, latencyMs: 1.5, ledgered: 'ok' });
    r.dispatched(1999, 0.1, 'read-recent');
    r.completed(2001, { op: 'read-recent', ok: false, errorClass: 'refused', latencyMs: 2 });
    r.dispatched(3500, 1.2, 'insert-event');
    r.completed(3600, { op: 'insert-event', ok: false, errorClass: 'timeout', latencyMs: 100, ledgered: 'unknown' });
    r.finish(3750);
    expect(buckets.map((b) => [b.second, b.spanMs, b.attempts, b.ok])).toEqual([
      [0, 1000, 2, 1],
      [1, 1000, 0, 0],
      [2, 750, 1, 0],
    ]);
    const [first, second, third] = buckets as [TimelineBucket, TimelineBucket, TimelineBucket];
    expect(first.t).toBe(1_700_000_000_000);
    expect(first.at).toBe(new Date(1_700_000_000_000).toISOString());
    expect(first.ledgered).toEqual({ ok: 1, error: 0, unknown: 0 });
    expect(first.ops).toEqual({ 'insert-event': { attempts: 1, ok: 1, failed: 0 }, 'read-recent': { attempts: 1, ok: 0, failed: 0 } });
    expect(first.lagMs.max).toBeCloseTo(0.5, 2);
    expect(first.latencyMs.max).toBeCloseTo(1.5, 2);
    expect(first.inFlight).toBe(3);
    expect(second.errors).toEqual({ refused: 1 });
    expect(second.ops['read-recent']).toEqual({ attempts: 0, ok: 0, failed: 1 });
    expect(third.errors).toEqual({ timeout: 1 });
    expect(third.ledgered).toEqual({ ok: 0, error: 0, unknown: 1 });
    expect(decodeHistogram(third.lagHistUs).totalCount).toBe(1);
    // Failed attempts stay out of the latency histogram.
    expect(decodeHistogram(third.latencyHistUs).totalCount).toBe(0);
  });
});

describe('timeline file', () => {
  it('is written one line per second and re-aggregated over any window with merged histograms', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-timeline-'));
    dirs.push(dir);
    const t0 = 1_700_000_000_000;
    {
      await using writer = await TimelineWriter.open(dir);
      const r = new TimelineRecorder(0, t0, (b) => writer.append(b));
      for (let s = 0; s < 10; s++) {
        for (let k = 0; k < 100; k++) {
          const at = s * 1000 + k * 10;
          r.dispatched(at, s === 7 ? 3 : 0.2, 'insert-event');
          r.completed(at + 1, { op: 'insert-event', ok: s !== 5, errorClass: 'refused', latencyMs: s + 1, ledgered: s !== 5 ? 'ok' : 'error' });
        }
      }
      r.finish(10_000);
    }
    const buckets = await readTimeline(dir);
    expect(buckets).toHaveLength(10);
    const all = summariseWindow(buckets);
    expect(all).toMatchObject({ attempts: 1000, ok: 900, failed: 100, errors: { refused: 100 }, ledgered: { ok: 900, error: 100, unknown: 0 }, spanMs: 10_000 });
    expect(all.attemptRate).toBe(100);
    expect(all.lagMs.max).toBeCloseTo(3, 2);
    expect(all.lagMs.p99).toBeCloseTo(3, 2);
    // A window: seconds 6..8 (their starts in [t0+6000, t0+9000)).
    const w = summariseWindow(buckets, { from: t0 + 6000, to: t0 + 9000 });
    expect(w).toMatchObject({ attempts: 300, ok: 300, failed: 0, spanMs: 3000, from: t0 + 6000, to: t0 + 9000 });
    expect(w.latencyMs.p50).toBeCloseTo(8, 1);
    expect(w.latencyMs.max).toBeCloseTo(9, 1);
  });

  it('ignores a last line cut short by a killed harness, and names any other malformed line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-timeline-'));
    dirs.push(dir);
    const file = join(dir, 'timeline.ndjson');
    const line = JSON.stringify({ t: 0, second: 0, spanMs: 1000, attempts: 1, ok: 1, errors: {}, ledgered: { ok: 1, error: 0, unknown: 0 }, lagHistUs: '', latencyHistUs: '' });
    await writeFile(file, `${line}\n${line.slice(0, 30)}`);
    expect(await readTimeline(file)).toHaveLength(1);
    await writeFile(file, `${line}\n{oops\n${line}\n`);
    await expect(readTimeline(dir)).rejects.toThrow(/timeline\.ndjson:2/);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(4);
  });
});
