import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The run directory's file of replication lag samples, one JSON line each. */
export const REPLICATION_LAG_FILE = 'replication-lag.ndjson';

/** One line of `replication-lag.ndjson`. */
export interface ReplicationLagSample {
  /** When the sample was taken, epoch milliseconds. */
  t: number;
  /** The same instant, ISO 8601. */
  at: string;
  /** Bytes of blue's WAL the slot has not confirmed yet. */
  lagBytes: number;
  /** The replication slot (the subscription's name); for a physical standby, its name (`replica-1`). */
  slot: string;
  /** `physical`: a streaming standby, sampled from the primary's pg_stat_replication; absent: a logical slot. */
  kind?: 'physical';
  /** The role of the primary the standby streamed from at that moment. */
  primary?: string;
  /** pg_stat_replication's `state` and `sync_state` (`streaming`, `sync`/`async`). */
  state?: string;
  syncState?: string;
  /** Bytes of the primary's WAL not yet written, flushed (`lagBytes` is the replayed one) by the standby. */
  writeLagBytes?: number;
  flushLagBytes?: number;
  /** pg_stat_replication's write/flush/replay lag in ms (null when the standby is idle and caught up). */
  writeLagMs?: number | null;
  flushLagMs?: number | null;
  replayLagMs?: number | null;
}


/** Replication lag samples of one slot, on the run's time axis. */
export interface ReplicationLagSeries {
  slot: string;
  /** Seconds since the load's start (0.1 s resolution), one per sample. */
  seconds: number[];
  lagBytes: number[];
  /** A physical standby's series: its lag in time per sample (null where the server reported none). */
  physical?: { writeLagMs: (number | null)[]; flushLagMs: (number | null)[]; replayLagMs: (number | null)[] };
}

/**
 * Reads `replication-lag.ndjson` (written while a logical blue/green replicates), one series per
 * slot; an empty list when the run has no such file. Lines that are not samples (a line cut short
 * by a killed harness) are skipped: a chart is no place to reject a run.
 */
export async function readReplicationLag(runDir: string, startMs: number): Promise<ReplicationLagSeries[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, REPLICATION_LAG_FILE), 'utf8');
  } catch {
    return [];
  }
  const bySlot = new Map<string, ReplicationLagSeries>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let sample: Partial<ReplicationLagSample>;
    try {
      sample = JSON.parse(line) as Partial<ReplicationLagSample>;
    } catch {
      continue;
    }
    if (typeof sample.t !== 'number' || typeof sample.lagBytes !== 'number' || !Number.isFinite(sample.lagBytes)) continue;
    const slot = typeof sample.slot === 'string' ? sample.slot : '?';
    let series = bySlot.get(slot);
    if (!series) bySlot.set(slot, (series = { slot, seconds: [], lagBytes: [] }));
    series.seconds.push(Math.round((sample.t - startMs) / 100) / 10);
    series.lagBytes.push(sample.lagBytes);
    if (sample.kind === 'physical') {
      series.physical ??= { writeLagMs: [], flushLagMs: [], replayLagMs: [] };
      series.physical.writeLagMs.push(msOrNull(sample.writeLagMs));
      series.physical.flushLagMs.push(msOrNull(sample.flushLagMs));
      series.physical.replayLagMs.push(msOrNull(sample.replayLagMs));
    }
  }
  return [...bySlot.values()];
}

function msOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
