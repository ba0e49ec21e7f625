import type { HistogramSummaryMs } from './latency-histogram.js';
import type { ErrorClass } from './error-class.js';
import type { WriterIdentity } from './ledger-types.js';
import type { LaneName } from './analysis/lane-tracker.js';
import type { SoakSummary } from './analysis/soak-summary.js';
import type { SoakEvidence } from './analysis/soak-evidence.js';
import type { ErrorMessages } from './error-samples.js';
import type { WriterChange } from './writer-changes.js';

/** A degraded window as the run directory stores it (ISO times, ms durations). */
export interface DegradedRecord {
  start: string;
  end: string;
  durationMs: number;
  slowAttempts: number;
  maxLatencyMs: number;
  lane: LaneName;
  resolutionMs: number;
}

/**
 * The `soak` section of `run.json`: how the soak was set up (written before the load starts, so
 * `cutover verify` can read a run whose harness died), then what it measured.
 */
export interface SoakRecord {
  driver: 'node';
  workload: string;
  /** The soak's own schema in the target database. */
  schema: string;
  /** Attempts per second, all operations together. */
  rate: number;
  /** Requested duration; null when the soak ran until stopped (a rehearsal, Ctrl-C). */
  plannedDurationMs: number | null;
  timeoutMs: number;
  degradedThresholdMs: number;
  /** Interval of each lane, ms: the resolution each can give. */
  lanes: { driver: { intervalMs: number }; probe?: { intervalMs: number } };
  writers: WriterIdentity[];
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  /** What the load did, from the driver. */
  load?: {
    attempts: number;
    ok: number;
    failed: number;
    errors: Partial<Record<ErrorClass, number>>;
    /** The distinct messages behind `errors`: per class at most 5, 20 in all, each with SQLSTATE, first time seen and count. */
    errorMessages?: ErrorMessages;
    abandoned: number;
    stoppedBy: 'duration' | 'signal';
    lagMs: HistogramSummaryMs;
    latencyMs: HistogramSummaryMs;
  };
  /** What the probe lane (`SELECT 1` on its own connections) saw, with the words of its failures. */
  probe?: { attempts: number; ok: number; failed: number; errors: Partial<Record<ErrorClass, number>>; errorMessages?: ErrorMessages };
  /**
   * The servers the load's successes ran on (`host:port`, the server's own address) and where the
   * writer changed from one to another (a failover, a switchover). Absent when no connection
   * could say which server it was on (and in runs recorded before this existed).
   */
  writerServers?: { seen: string[]; changes: WriterChange[] };
  /** Sparse (seq, due time) anchors per writer key, for attributing ids to steps. */
  seqClock?: Record<string, [number, number][]>;
  /** Where the downtime figures come from, and the degraded windows. */
  downtime?: { lane: string; note: string; degraded: DegradedRecord[] };
  /** The `--json` contract of the run, after verification. */
  summary?: SoakSummary;
  /** Whether the soak measured anything a pass can rest on; when not, the run's verdict is `error` with these reasons. */
  evidence?: SoakEvidence;
  /** The user's downtime limit (`gate.maxDowntime`, `--max-downtime`) against the measured downtime; absent without a limit. */
  downtimeLimit?: { maxDowntimeMs: number; downtimeMs: number; exceeded: boolean };
  /** Exact ids behind the ledger figures (the first 100 of each), and what verification cost. */
  verification?: { lostIds: string[]; unexpectedIds: string[]; duplicatedIds: string[]; queries: number; durationMs: number; verifiedAt: string };
}
