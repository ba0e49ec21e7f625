import { describe, expect, it } from 'vitest';
import { TimelineRecorder } from '../../load/timeline-recorder.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import { describeWriterChange, writerChanges, WriterTracker } from '../../load/writer-changes.js';
import type { ServerIdentity } from '../../load/server-identity.js';
import { summaryLines } from '../../cli/soak-lines.js';
import { windowsSectionHtml } from '../../reports/windows-html.js';
import { writerChangesMarkdown } from '../../reports/writer-changes-html.js';
import { runBands } from '../../reports/charts/run-bands.js';
import { stepTableHtml, stepTableMarkdown } from '../../reports/step-table.js';
import type { RunManifest } from '../../run/manifest.js';
import type { SoakRecord } from '../../load/soak-record.js';

const A = '127.0.0.1:5433';
const B = '127.0.0.1:5434';

function bucket(second: number, writers?: TimelineBucket['writers']): TimelineBucket {
  const t = Date.UTC(2026, 0, 1) + second * 1000;
  return {
    t,
    at: new Date(t).toISOString(),
    second,
    spanMs: 1000,
    attempts: 0,
    ok: 0,
    errors: {},
    ledgered: { ok: 0, error: 0, unknown: 0 },
    inFlight: 0,
    lagMs: { p50: 0, p99: 0, max: 0 },
    latencyMs: { p50: 0, p99: 0, max: 0 },
    lagHistUs: '',
    latencyHistUs: '',
    ops: {},
    ...(writers ? { writers } : {}),
  };
}

describe('the writer of each second', () => {
  it('the recorder counts successes per server, with the primary flag, and leaves the field out when unknown', () => {
    const buckets: TimelineBucket[] = [];
    const recorder = new TimelineRecorder(0, Date.UTC(2026, 0, 1), (b) => buckets.push(b));
    const onA: ServerIdentity = { connectedTo: A, server: A, inRecovery: false };
    const onB: ServerIdentity = { connectedTo: 'db-b:5434', server: B, inRecovery: true };
    recorder.completed(100, { op: 'w', ok: true, latencyMs: 1, server: onA });
    recorder.completed(200, { op: 'w', ok: true, latencyMs: 1, server: onA });
    recorder.completed(300, { op: 'w', ok: true, latencyMs: 1, server: onB });
    recorder.completed(400, { op: 'w', ok: false, errorClass: 'refused', latencyMs: 1 });
    recorder.completed(1100, { op: 'w', ok: true, latencyMs: 1 });
    recorder.finish(2000);
    // firstOkMs: when, into the second, the first success on each server completed.
    expect(buckets[0]?.writers).toEqual({ [A]: { ok: 2, primary: true, firstOkMs: 100 }, [B]: { ok: 1, primary: false, firstOkMs: 300 } });
    expect(buckets[1]).not.toHaveProperty('writers');
  });

  it('a change is a second whose main writer differs from the last second that had one; outages are passed over', () => {
    const timeline = [
      bucket(0, { [A]: { ok: 100, primary: true } }),
      bucket(1, { [A]: { ok: 60, primary: true }, [B]: { ok: 3, primary: true } }),
      bucket(2),
      bucket(3),
      bucket(4, { [B]: { ok: 100, primary: true } }),
      bucket(5, { [B]: { ok: 100, primary: true } }),
    ];
    const changes = writerChanges(timeline);
    expect(changes).toEqual([{ second: 4, at: timeline[4]?.at, from: A, to: B, fromPrimary: true, toPrimary: true }]);
    expect(changes[0] && describeWriterChange(changes[0])).toBe(`writer changed from ${A} to ${B} at second 4`);
    const tracker = new WriterTracker();
    for (const b of timeline) tracker.observe(b);
    expect(tracker.seen).toEqual([A, B]);
  });

  it('dates a change by the first success on the new server when the timeline has it, so the step that moved the writer is found', () => {
    const timeline = [bucket(0, { [A]: { ok: 100, primary: true, firstOkMs: 0 } }), bucket(1, { [A]: { ok: 2, primary: true, firstOkMs: 10 }, [B]: { ok: 40, primary: true, firstOkMs: 640 } })];
    const [change] = writerChanges(timeline);
    expect(change?.at).toBe(new Date((timeline[1]?.t ?? 0) + 640).toISOString());
  });

  it('says when the new writer was in recovery (a target that let the load onto a standby)', () => {
    const [change] = writerChanges([bucket(0, { [A]: { ok: 5, primary: true } }), bucket(1, { [B]: { ok: 5, primary: false } })]);
    expect(change && describeWriterChange(change)).toBe(`writer changed from ${A} to ${B} (in recovery) at second 1`);
  });

  it('a timeline recorded before writers existed has no change', () => {
    expect(writerChanges([bucket(0), bucket(1)])).toEqual([]);
  });
});

function manifest(writerServers?: SoakRecord['writerServers']): RunManifest {
  const soak: SoakRecord = {
    driver: 'node',
    workload: 'writes-only',
    schema: 'cutover',
    rate: 100,
    plannedDurationMs: 10_000,
    timeoutMs: 1000,
    degradedThresholdMs: 200,
    lanes: { driver: { intervalMs: 10 } },
    writers: [],
    summary: { attempts: 0, confirmed: 0, lost: 0, recovered: 0, notCommitted: 0, failed: 0, unexpected: 0, duplicated: 0, downtimeMs: 1500, resolutionMs: 10, outages: [] },
    ...(writerServers ? { writerServers } : {}),
  };
  return {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: '0.0.0' },
    name: 't',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    verdict: 'pass',
    method: 'logical',
    config: {},
    endpoints: {},
    steps: [
      { name: 'failover', action: 'failover', status: 'ok', startedAt: '2026-01-01T00:00:03.000Z', endedAt: '2026-01-01T00:00:05.000Z', durationMs: 2000, downtimeMs: 1500, failedAttempts: 12, lost: 0, unexpected: 0, duplicated: 0 },
    ],
    files: {},
    soak,
  } as RunManifest;
}

describe('the report names writer changes', () => {
  const change = { second: 4, at: '2026-01-01T00:00:04.000Z', from: A, to: B, fromPrimary: true, toPrimary: true };

  it('in the outages section and summary.md, with the step the change fell in', () => {
    const run = manifest({ seen: [A, B], changes: [change] });
    const html = windowsSectionHtml(run);
    expect(html).toContain(`writer changed from ${A} to ${B} at second 4 (2026-01-01 00:00:04.000 UTC)`);
    expect(html).toContain('<td>failover</td>');
    expect(writerChangesMarkdown(run)).toBe(`## Writer\n\n- writer changed from ${A} to ${B} at second 4 (2026-01-01 00:00:04.000 UTC) — step failover\n\n`);
  });

  it('says the writer never changed when it did not, and nothing for runs that did not record it', () => {
    expect(windowsSectionHtml(manifest({ seen: [A], changes: [] }))).toContain(`The load wrote to ${A} throughout: the writer never changed.`);
    expect(windowsSectionHtml(manifest())).not.toContain('writer');
    expect(writerChangesMarkdown(manifest())).toBe('');
  });

  it('in the row of the step it fell in', () => {
    const run = manifest({ seen: [A, B], changes: [change] });
    expect(stepTableHtml(run)).toContain(`writer changed from ${A} to ${B} at second 4`);
    expect(stepTableMarkdown(run)).toContain(`| writer changed from ${A} to ${B} at second 4 |`);
    expect(stepTableHtml(manifest())).not.toContain('writer changed');
  });

  it('on the charts, as a line at the change with the new writer`s name', () => {
    const run = manifest({ seen: [A, B], changes: [change] });
    const bands = runBands(run, Date.parse('2026-01-01T00:00:00.000Z'));
    expect(bands).toContainEqual({ kind: 'writer', from: 4, to: 4, label: `writer \u2192 ${B}` });
    expect(runBands(manifest(), 0).some((b) => b.kind === 'writer')).toBe(false);
  });

  it('in the summary lines of cutover soak and cutover verify', () => {
    const summary = { attempts: 0, confirmed: 0, lost: 0, recovered: 0, notCommitted: 0, failed: 0, unexpected: 0, duplicated: 0, downtimeMs: 0, resolutionMs: 10, outages: [] };
    const plain = { red: (s: string) => s, green: (s: string) => s, bold: (s: string) => s, dim: (s: string) => s, yellow: (s: string) => s };
    const lines = summaryLines(summary, { note: 'n', degraded: [] }, 200, plain as never, { writerServers: { seen: [A, B], changes: [change] } });
    expect(lines).toContain(`writer changed from ${A} to ${B} at second 4 (00:00:04.000 UTC)`);
  });
});
