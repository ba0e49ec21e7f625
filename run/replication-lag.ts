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
  /** The replication slot (the subscription's name). */
  slot: string;
}


/** Replication lag samples of one slot, on the run's time axis. */
export interface ReplicationLagSeries {
  slot: string;
  /** Seconds since the load's start (0.1 s resolution), one per sample. */
  seconds: number[];
  lagBytes: number[];
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
  }
  return [...bySlot.values()];
}
