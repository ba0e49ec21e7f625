import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { openSession, type Session } from '../../core/session.js';
import { REPLICATION_LAG_FILE, type ReplicationLagSample } from '../../run/replication-lag.js';
import type { Cluster } from '../topology/cluster.js';

/** What the sampler did, for the log and the run. */
export interface StandbyLagSummary {
  file: string;
  samples: number;
  /** Per standby: the largest replay lag seen, in bytes and ms. */
  max: Record<string, { lagBytes: number; replayLagMs: number | null }>;
  errors: number;
  lastError?: string;
}

/** pg_stat_replication of the primary: bytes from the primary's current position, and the lag columns in ms. */
const SAMPLE_SQL = `SELECT application_name AS name, state, sync_state,
  pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)::float8 AS write_bytes,
  pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::float8 AS flush_bytes,
  pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS replay_bytes,
  (EXTRACT(EPOCH FROM write_lag) * 1000)::float8 AS write_ms,
  (EXTRACT(EPOCH FROM flush_lag) * 1000)::float8 AS flush_ms,
  (EXTRACT(EPOCH FROM replay_lag) * 1000)::float8 AS replay_ms
  FROM pg_stat_replication WHERE NOT pg_is_in_recovery() ORDER BY application_name`;

interface Row {
  name: string;
  state: string;
  sync_state: string;
  write_bytes: number | null;
  flush_bytes: number | null;
  replay_bytes: number | null;
  write_ms: number | null;
  flush_ms: number | null;
  replay_ms: number | null;
}

/**
 * Samples the physical standbys' lag once a second from the primary's `pg_stat_replication`
 * (write, flush and replay: bytes behind the primary's current WAL position, and the lag columns
 * in ms) into `replication-lag.ndjson`, for the timeline and the report. The primary is asked
 * anew each time (`primary()`), so sampling follows a promotion. Read-only; a failed sample is
 * counted and the connection opened again, never thrown. `stop()` is idempotent.
 */
export class StandbyLagSampler implements AsyncDisposable {
  private session: { role: string; db: Session } | undefined;
  private file: FileHandle | undefined;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private stopped: Promise<StandbyLagSummary> | undefined;
  private readonly summary: StandbyLagSummary = { file: REPLICATION_LAG_FILE, samples: 0, max: {}, errors: 0 };

  private constructor(private readonly o: { primary: () => Cluster; runDir: string; intervalMs: number }) {
    this.loop = this.run();
  }

  static start(o: { primary: () => Cluster; runDir: string; intervalMs?: number }): StandbyLagSampler {
    return new StandbyLagSampler({ intervalMs: 1000, ...o });
  }

  stop(): Promise<StandbyLagSummary> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      // A sample stuck on a frozen primary is abandoned after a deadline, its connection closed.
      await withDeadline(this.loop, 3_000);
      await withDeadline(this.session?.db.close().catch(() => {}) ?? Promise.resolve(), 2_000);
      await this.file?.close().catch(() => {});
      return { ...this.summary };
    })();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop().then(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.sample();
      await new Promise<void>((resolve) => {
        this.timer = setTimeout(resolve, this.o.intervalMs);
        this.wake = () => {
          clearTimeout(this.timer);
          resolve();
        };
        if (this.stopping) this.wake();
      });
    }
  }

  private async sample(): Promise<void> {
    let primary: Cluster;
    try {
      primary = this.o.primary();
      if (this.session && this.session.role !== primary.role) await this.dropSession();
      this.session ??= {
        role: primary.role,
        db: await openSession({ ...primary.endpoint('postgres'), connectTimeoutMs: 2_000 }, { applicationName: 'cutover-admin', statementTimeoutMs: 2_000, lockTimeoutMs: 1_000 }),
      };
      const t = Date.now();
      // A frozen primary never answers: the sample gives up, and the next one opens a new session
      // (on the new primary, once there is one).
      const rows = await withTimeout(this.session.db.query<Row & Record<string, unknown>>(SAMPLE_SQL), 3_000, `${primary.role} did not answer within 3 s`);
      const lines = rows.map((r) => sampleLine(t, primary.role, r));
      if (!lines.length || this.stopped) return;
      this.file ??= await open(join(this.o.runDir, REPLICATION_LAG_FILE), 'a');
      await this.file.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      this.summary.samples++;
      for (const l of lines) {
        const max = (this.summary.max[l.slot] ??= { lagBytes: 0, replayLagMs: null });
        max.lagBytes = Math.max(max.lagBytes, l.lagBytes);
        if (l.replayLagMs != null) max.replayLagMs = Math.max(max.replayLagMs ?? 0, l.replayLagMs);
      }
    } catch (error) {
      this.summary.errors++;
      this.summary.lastError = (error as Error).message;
      await this.dropSession();
    }
  }

  private async dropSession(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    // Closing a connection to a frozen server may wait for an answer that never comes.
    await withDeadline(s?.db.close().catch(() => {}) ?? Promise.resolve(), 1_000);
  }
}

function sampleLine(t: number, primary: string, r: Row): ReplicationLagSample {
  const bytes = (v: number | null) => Math.max(0, Math.round(Number(v ?? 0)));
  const ms = (v: number | null) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return {
    t,
    at: new Date(t).toISOString(),
    kind: 'physical',
    slot: r.name,
    primary,
    state: r.state,
    syncState: r.sync_state,
    lagBytes: bytes(r.replay_bytes),
    writeLagBytes: bytes(r.write_bytes),
    flushLagBytes: bytes(r.flush_bytes),
    writeLagMs: ms(r.write_ms),
    flushLagMs: ms(r.flush_ms),
    replayLagMs: ms(r.replay_ms),
  };
}

/** Waits for `promise`, at most `ms`. */
async function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** `promise`, or a rejection with `message` after `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
