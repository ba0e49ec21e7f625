import type { ErrorClass } from './error-class.js';

/** Counts of ledgered attempts by how they ended. */
export interface LedgeredCounts {
  ok: number;
  error: number;
  unknown: number;
}

/** Per-operation counts within a second. */
export interface OperationCounts {
  attempts: number;
  ok: number;
  failed: number;
}

/** The successful attempts of one second on one server: who the writer was. */
export interface WriterCount {
  /** Attempts that succeeded on this server and completed in this second. */
  ok: number;
  /** Whether the server was a primary (`pg_is_in_recovery()` false) when the connection opened. */
  primary: boolean;
  /** Milliseconds into the second when the first of them completed (absent in older runs). */
  firstOkMs?: number;
}

/** Three percentiles, in milliseconds. */
export interface BucketPercentilesMs {
  p50: number;
  p99: number;
  max: number;
}

/**
 * One line of `timeline.ndjson`: one second of the load. Attempts are counted in the second they
 * were sent (dispatched by the schedule); outcomes and latencies in the second they completed.
 * Latency runs from the attempt's due time (waits for a connection included) and covers
 * successful attempts only; schedule lag is the send time minus the due time.
 */
export interface TimelineBucket {
  /** Start of the second, epoch milliseconds. */
  t: number;
  /** The same instant, ISO 8601. */
  at: string;
  /** Seconds since the load started, from 0. */
  second: number;
  /** Milliseconds this bucket covers: 1000, less for the last one of a run. */
  spanMs: number;
  /** Attempts sent in this second. */
  attempts: number;
  /** Attempts that succeeded, completed in this second. */
  ok: number;
  /** Failed attempts completed in this second, by error class. */
  errors: Partial<Record<ErrorClass, number>>;
  /** Ledgered attempts completed in this second, by outcome. */
  ledgered: LedgeredCounts;
  /** Attempts still in flight at the end of the second. */
  inFlight: number;
  lagMs: BucketPercentilesMs;
  latencyMs: BucketPercentilesMs;
  /** Schedule lag histogram (microseconds), compressed base64 HdrHistogram encoding. */
  lagHistUs: string;
  /** Latency histogram of successful attempts (microseconds), same encoding. */
  latencyHistUs: string;
  /** Counts per workload operation. */
  ops: Record<string, OperationCounts>;
  /**
   * Which server(s) the successful attempts of this second ran on, keyed `host:port` (the server's
   * own `inet_server_addr():inet_server_port()`, or the host connected to over a Unix socket).
   * Present only when known (absent in runs recorded before it existed, and in empty seconds).
   */
  writers?: Record<string, WriterCount>;
}
