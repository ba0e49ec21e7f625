import type { TimelineBucket, WriterCount } from './timeline-types.js';

/** The load moved from one server to another (a failover, a switchover): seen on the timeline. */
export interface WriterChange {
  /** Second of the load (from 0) of the first second whose writes went to the new server. */
  second: number;
  /**
   * When the first write on the new server completed, ISO 8601 (older runs: the start of that
   * second); the step whose span holds it is the step that moved the writer.
   */
  at: string;
  from: string;
  to: string;
  /** Whether each was a primary (not in recovery) when its connections opened. */
  fromPrimary: boolean;
  toPrimary: boolean;
}

/**
 * Where the writer changed: each second's writer is the server most of its successful attempts
 * ran on; a second whose writer differs from the last second that had one is a change (seconds
 * without a success, an outage, are passed over). Timelines without writer identities (older
 * runs) have none.
 */
export function writerChanges(buckets: readonly TimelineBucket[]): WriterChange[] {
  const tracker = new WriterTracker();
  for (const b of buckets) tracker.observe(b);
  return tracker.changes;
}

/** writerChanges, a second at a time, as the soak runs. */
export class WriterTracker {
  readonly changes: WriterChange[] = [];
  /** Every server the load's successes ran on, in the order first seen. */
  readonly seen: string[] = [];
  private last: { key: string; primary: boolean } | undefined;

  observe(b: TimelineBucket): void {
    for (const key of Object.keys(b.writers ?? {})) if (!this.seen.includes(key)) this.seen.push(key);
    const writer = mainWriter(b.writers);
    if (!writer) return;
    const last = this.last;
    if (last && writer.key !== last.key) {
      const at = writer.firstOkMs === undefined ? b.at : new Date(b.t + writer.firstOkMs).toISOString();
      this.changes.push({ second: b.second, at, from: last.key, to: writer.key, fromPrimary: last.primary, toPrimary: writer.primary });
    }
    this.last = writer;
  }
}

/** The writers seen over the whole timeline, in the order they first appeared. */
export function writersSeen(buckets: readonly TimelineBucket[]): string[] {
  const seen = new Set<string>();
  for (const b of buckets) for (const key of Object.keys(b.writers ?? {})) seen.add(key);
  return [...seen];
}

/** "writer changed from 127.0.0.1:5433 to 127.0.0.1:5434 at second 12". */
export function describeWriterChange(c: WriterChange): string {
  const role = (primary: boolean) => (primary ? '' : ' (in recovery)');
  return `writer changed from ${c.from}${role(c.fromPrimary)} to ${c.to}${role(c.toPrimary)} at second ${c.second}`;
}

function mainWriter(writers: Record<string, WriterCount> | undefined): { key: string; primary: boolean; firstOkMs?: number } | undefined {
  let best: { key: string; primary: boolean; ok: number; firstOkMs?: number } | undefined;
  for (const [key, w] of Object.entries(writers ?? {})) {
    if (!best || w.ok > best.ok) best = { key, primary: w.primary, ok: w.ok, ...(w.firstOkMs !== undefined ? { firstOkMs: w.firstOkMs } : {}) };
  }
  return best;
}
