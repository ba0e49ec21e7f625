import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { openSession, type Session } from '../../core/session.js';
import type { Cluster } from '../topology/cluster.js';
import { slotLag } from './replication.js';
import { REPLICATION_LAG_FILE, type ReplicationLagSample } from '../../run/replication-lag.js';

/** What a sampler did, for the step's details. */
export interface LagSamplerSummary {
  file: string;
  samples: number;
  maxLagBytes: number | null;
  /** Samples that failed (a query, a connection, a write): recorded, never thrown. */
  errors: number;
  lastError?: string;
  /** The last sample was still running when stop() gave up on it and closed its connection. */
  forcedStop?: boolean;
}

export interface LagSamplerOptions {
  /** The publisher, where the slot lives. */
  blue: Cluster;
  slot: string;
  runDir: string;
  /** Default 1000. */
  intervalMs?: number;
  /** Longest a stop waits for a sample under way before closing its connection. Default 2000. */
  stopTimeoutMs?: number;
}

/**
 * Samples a logical replication slot's lag on blue in the background (about once a second) and
 * appends each sample to `replication-lag.ndjson`, for the report's chart. It only reads, over a
 * read-only session, and never fails the step it runs in: a failed sample is counted and the
 * connection opened again for the next one. `stop()` takes a last sample and returns the summary.
 */
export class LagSampler implements AsyncDisposable {
  private session: Session | undefined;
  private file: FileHandle | undefined;
  private stopping = false;
  /** stop() gave up waiting for a sample: whatever it still opens is closed, nothing more is written. */
  private abandoned = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private stopped: Promise<LagSamplerSummary> | undefined;
  private readonly summary: LagSamplerSummary;

  private constructor(private readonly o: Required<LagSamplerOptions>) {
    this.summary = { file: REPLICATION_LAG_FILE, samples: 0, maxLagBytes: null, errors: 0 };
    this.loop = this.run();
  }

  /** Starts sampling at once. */
  static start(options: LagSamplerOptions): LagSampler {
    return new LagSampler({ intervalMs: 1000, stopTimeoutMs: 2000, ...options });
  }

  /** Stops after one last sample (idempotent); never throws. */
  stop(): Promise<LagSamplerSummary> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      const gaveUp = await withDeadline(this.loop.then(() => false), this.o.stopTimeoutMs, true);
      if (gaveUp) {
        // A sample stuck on a dead connection: closing it fails the query; the loop ends on its own.
        this.summary.forcedStop = true;
        this.abandoned = true;
      }
      // Closing a connection whose peer is gone may wait for an answer that never comes.
      await withDeadline(this.session?.close() ?? Promise.resolve(), this.o.stopTimeoutMs, undefined);
      await this.file?.close().catch(() => {});
      return { ...this.summary };
    })();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop().then(() => undefined);
  }

  private async run(): Promise<void> {
    for (;;) {
      const last = this.stopping;
      await this.sample();
      if (last || this.abandoned) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (this.stopping) this.wake();
      });
    }
  }

  private async sample(): Promise<void> {
    try {
      // The fence of a hard switchover spares sessions named cutover-admin: this one only reads,
      // and must go on sampling through the switchover.
      if (!this.session) {
        const session = await openSession(this.o.blue.endpoint(), { readOnly: true, statementTimeoutMs: 5000, lockTimeoutMs: 1000, applicationName: 'cutover-admin' });
        if (this.abandoned) return void (await session.close());
        this.session = session;
      }
      const t = Date.now();
      const { lagBytes } = await slotLag(this.session, this.o.slot);
      // No slot (not created yet, or already dropped): nothing to record.
      if (lagBytes === null || this.abandoned) return;
      const line: ReplicationLagSample = { t, at: new Date(t).toISOString(), lagBytes, slot: this.o.slot };
      if (!this.file) {
        const file = await open(join(this.o.runDir, REPLICATION_LAG_FILE), 'a');
        if (this.abandoned) return void (await file.close());
        this.file = file;
      }
      await this.file.write(`${JSON.stringify(line)}\n`);
      this.summary.samples++;
      this.summary.maxLagBytes = Math.max(this.summary.maxLagBytes ?? 0, lagBytes);
    } catch (error) {
      if (this.abandoned) return;
      this.summary.errors++;
      this.summary.lastError = (error as Error).message;
      // Opened again for the next sample: the connection may be what failed.
      const session = this.session;
      this.session = undefined;
      await session?.close();
    }
  }
}

/** `promise`'s value, or `fallback` once `ms` have passed. */
async function withDeadline<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
