import { readRunManifest } from '../../run/read-run.js';
import type { RunManifest } from '../../run/manifest.js';
import { readCloudWatchRecord, type CloudWatchRecord } from '../../run/cloudwatch-record.js';
import { readReplicationLag, type ReplicationLagSeries } from '../../run/replication-lag.js';
import { runBands, type ChartBand } from './run-bands.js';
import { readTimelineSeries, type TimelineSeries } from './timeline-series.js';

/** Everything the charts of one run show, read from its run directory. */
export interface RunCharts {
  /** Epoch ms of the axis's second 0: the load's start, else the first step's, else the run's. */
  startMs: number;
  /** The axis ends here (seconds): the last of the timeline, the samples and the steps. */
  endSeconds: number;
  /** Undefined when no load ran (no timeline.ndjson). */
  timeline?: TimelineSeries;
  /** One series per replication slot; empty when nothing replicated. */
  replication: ReplicationLagSeries[];
  bands: ChartBand[];
  /** What `cloudwatch.json` holds, when the run fetched CloudWatch metrics (an `aws` block). */
  cloudwatch?: CloudWatchRecord;
}

/**
 * Reads what the charts need from a run directory: `timeline.ndjson`, `replication-lag.ndjson`,
 * `cloudwatch.json` and the steps and outages of `run.json` (pass the manifest when it is already read).
 */
export async function loadRunCharts(runDir: string, run?: RunManifest): Promise<RunCharts> {
  const manifest = run ?? (await readRunManifest(runDir));
  const timeline = await readTimelineSeries(runDir);
  const startMs = timeline?.startMs ?? firstTime([manifest.steps?.[0]?.startedAt, manifest.soak?.startedAt, manifest.startedAt]);
  const replication = await readReplicationLag(runDir, startMs);
  const bands = runBands(manifest, startMs);
  const ends = [
    timeline ? (timeline.seconds[timeline.seconds.length - 1] ?? 0) + timeline.pointSeconds : 0,
    ...replication.map((r) => r.seconds[r.seconds.length - 1] ?? 0),
    ...bands.map((b) => b.to),
  ];
  const cloudwatch = await readCloudWatchRecord(runDir);
  return { startMs, endSeconds: Math.ceil(Math.max(0, ...ends)), ...(timeline ? { timeline } : {}), replication, bands, ...(cloudwatch ? { cloudwatch } : {}) };
}

function firstTime(candidates: (string | undefined)[]): number {
  for (const iso of candidates) {
    const ms = iso ? Date.parse(iso) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return 0;
}
