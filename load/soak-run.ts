import { basename } from 'node:path';
import { hostname } from 'node:os';
import type { Endpoint } from '../core/endpoint.js';
import type { WriterIdentity } from './ledger-types.js';
import { ledgerDir } from './ledger-format.js';
import { openLedgerWriter } from './ledger-writer.js';
import { registerWriter } from './writer-registry.js';
import { ProbeLane } from './probe-lane.js';
import { TimelineWriter } from './timeline-writer.js';
import type { TimelineBucket } from './timeline-types.js';
import type { WorkloadDefinition } from './workload-types.js';
import { runDriver, type DriverResult } from './driver/index.js';
import { LaneTracker, type LaneAnalysis, type LaneName, type LiveLaneState } from './analysis/lane-tracker.js';
import type { ErrorSample } from './error-samples.js';
import { WindowLog } from './analysis/window-log.js';
import { SeqClock } from './analysis/seq-clock.js';
import { WriterTracker, type WriterChange } from './writer-changes.js';

export interface SoakRunOptions {
  endpoint: Endpoint;
  /** The run directory: the ledger, the timeline and the windows are written here. */
  runDir: string;
  workload: WorkloadDefinition;
  /** Attempts per second of the load, all operations together. */
  rate: number;
  /** Milliseconds of load; without it the load runs until `stop()` or the signal. */
  durationMs?: number;
  /** The soak's own schema; nothing else is written. */
  schema: string;
  /** Per-attempt timeout of the load (driver default when absent). */
  timeoutMs?: number;
  /** Connections of the load's pool (driver default when absent). */
  connections?: number;
  /** Parse every statement unnamed (the load goes through PgBouncer in transaction mode). Default: when the driver sees a pooler. */
  unnamedStatements?: boolean;
  /** The probe lane, or false for none. */
  probe: { intervalMs: number; timeoutMs?: number } | false;
  /** Successes slower than this (from their due time) make degraded windows. */
  degradedThresholdMs: number;
  /** Stops the load (Ctrl-C): it drains, then the run ends normally. */
  signal?: AbortSignal;
  /** Each second of the load, as the timeline records it. */
  onSecond?: (bucket: TimelineBucket) => void;
  /** The load's writer, once registered in the soak schema. */
  onWriter?: (writer: WriterIdentity) => void;
  /** The first failure of each error class in a lane, with its words, as it happens. */
  onNewErrorClass?: (lane: LaneName, sample: ErrorSample) => void;
}

export interface SoakRunResult {
  driver: DriverResult;
  lanes: { driver: LaneAnalysis; probe?: LaneAnalysis };
  /** Due times of ledger seqs (to within a second), for the per-step breakdown. */
  seqClock: SeqClock;
  /** The servers the load's successes ran on and where its writer changed (a failover, a switchover). */
  writerServers: { seen: string[]; changes: WriterChange[] };
}

/** Slack on top of an attempt's timeout within which its outcome is expected (timers, lag). */
const HORIZON_SLACK_MS = 2_000;
const DRIVER_TIMEOUT_DEFAULT_MS = 1_000;

/**
 * One soak: the driver's load (ledger and timeline in the run directory) and, optionally, the
 * probe lane, both analysed as they run (outage and degraded windows, appended to
 * `windows.ndjson` as they settle). Started at construction; `done` settles after the load
 * drained and every file is closed.
 */
export class SoakRun {
  readonly driverLane: LaneTracker;
  readonly probeLane: LaneTracker | undefined;
  readonly seqClock = new SeqClock();
  readonly writerTracker = new WriterTracker();
  readonly done: Promise<SoakRunResult>;
  private readonly controller = new AbortController();
  private readonly windows: WindowLog;
  private writerKey: number | undefined;

  constructor(private readonly options: SoakRunOptions) {
    this.windows = new WindowLog(options.runDir);
    const timeoutMs = options.timeoutMs ?? DRIVER_TIMEOUT_DEFAULT_MS;
    this.driverLane = new LaneTracker({
      lane: 'driver',
      intervalMs: 1000 / options.rate,
      horizonMs: timeoutMs + HORIZON_SLACK_MS,
      degradedThresholdMs: options.degradedThresholdMs,
      onSettled: (w) => this.windows.append('driver', w),
      onNewErrorClass: (sample) => options.onNewErrorClass?.('driver', sample),
    });
    this.probeLane = options.probe
      ? new LaneTracker({
          lane: 'probe',
          intervalMs: options.probe.intervalMs,
          horizonMs: (options.probe.timeoutMs ?? 1_000) + HORIZON_SLACK_MS,
          degradedThresholdMs: options.degradedThresholdMs,
          onSettled: (w) => this.windows.append('probe', w),
          onNewErrorClass: (sample) => options.onNewErrorClass?.('probe', sample),
        })
      : undefined;
    if (options.signal?.aborted) this.controller.abort();
    options.signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
    this.done = this.run();
  }

  /** Stops the load: scheduling ends, attempts in flight drain, then `done` settles. */
  stop(): void {
    this.controller.abort();
  }

  /** True once the load has succeeded and no outage is under way (the probe agreeing when there is one). */
  get serving(): boolean {
    return this.driverLane.serving && (this.probeLane?.serving ?? true);
  }

  /** Counters and the outage under way of each lane, right now. */
  live(): { driver: LiveLaneState; probe?: LiveLaneState } {
    return { driver: this.driverLane.state(), ...(this.probeLane ? { probe: this.probeLane.state() } : {}) };
  }

  /**
   * Waits (polling, bounded) until the soak is serving, e.g. before a step and after it; false
   * when the deadline passed or the soak ended first.
   */
  async waitServing(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.done.then(
      () => (ended = true),
      () => (ended = true),
    );
    while (!this.serving) {
      if (ended || Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  private async run(): Promise<SoakRunResult> {
    const o = this.options;
    const timeline = await TimelineWriter.open(o.runDir);
    const probe = o.probe
      ? new ProbeLane({
          endpoint: o.endpoint,
          intervalMs: o.probe.intervalMs,
          timeoutMs: o.probe.timeoutMs,
          keep: false,
          onOutcome: (a) => this.probeLane?.add(a),
        })
      : undefined;
    // Quiet lanes (a server that never answers) still settle their windows.
    const settleTimer = setInterval(() => {
      this.driverLane.advance(Date.now());
      this.probeLane?.advance(Date.now());
    }, 1_000);
    try {
      probe?.start();
      const driver = await runDriver({
        workload: o.workload,
        endpoint: o.endpoint,
        rate: o.rate,
        durationMs: o.durationMs,
        schema: o.schema,
        timeoutMs: o.timeoutMs,
        connections: o.connections,
        unnamedStatements: o.unnamedStatements,
        // Reconnect at least as often as attempts fall due, so the end of an outage is seen
        // within the resolution the figures claim (the driver's default waits up to 50 ms).
        reconnect: reconnectFor(o.rate),
        signal: this.controller.signal,
        ledger: async ({ db, schema }) => {
          const writer = await registerWriter(db, schema, `node driver, pid ${process.pid} on ${hostname()}`);
          this.writerKey = writer.writerKey;
          o.onWriter?.(writer);
          return openLedgerWriter({ dir: ledgerDir(o.runDir), writer, run: basename(o.runDir), expectedRate: o.rate });
        },
        onSecond: (bucket) => {
          timeline.append(bucket);
          this.writerTracker.observe(bucket);
          o.onSecond?.(bucket);
        },
        onAttempt: (a) => {
          this.driverLane.add(a);
          if (a.seq !== undefined && this.writerKey !== undefined) this.seqClock.observe(this.writerKey, a.seq, a.dueAt);
        },
      });
      await probe?.stop();
      const lanes = { driver: this.finishLane(this.driverLane), ...(this.probeLane ? { probe: this.finishLane(this.probeLane) } : {}) };
      const writerServers = { seen: this.writerTracker.seen, changes: this.writerTracker.changes };
      return { driver, lanes, seqClock: this.seqClock, writerServers };
    } finally {
      clearInterval(settleTimer);
      await probe?.stop();
      await timeline.close();
    }
  }

  private finishLane(lane: LaneTracker): LaneAnalysis {
    const analysis = lane.finish();
    this.windows.end(analysis);
    return analysis;
  }
}

/**
 * Backoff between reconnection attempts: capped at the attempt interval, between 5 and 50 ms.
 * Not tighter: while a server recovers, each attempt costs it a fork, and hundreds a second slow
 * the recovery being measured.
 */
export function reconnectFor(rate: number): { initialMs: number; maxMs: number } {
  const maxMs = Math.min(50, Math.max(5, 1000 / rate));
  return { initialMs: 5, maxMs };
}
