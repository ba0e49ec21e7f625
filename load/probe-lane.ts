import type { Endpoint } from '../core/endpoint.js';
import { connectFailureCause } from '../core/connect-client.js';
import { classifyConnectFailure } from './connect-failure-class.js';
import { describeError } from './error-samples.js';
import type { AttemptOutcome } from './outages.js';
import { ProbeClients } from './probe-clients.js';

export interface ProbeLaneOptions {
  endpoint: Endpoint;
  /** Milliseconds between attempts (open loop: each is due on schedule). Default 20. */
  intervalMs?: number;
  /** Per-attempt timeout, connection included. Default 1000. */
  timeoutMs?: number;
  /** Connections kept for the probe. Default 4. */
  maxConnections?: number;
  /** Called with each attempt's outcome as it completes (a soak analyses them as they come). */
  onOutcome?: (outcome: AttemptOutcome) => void;
  /** Keep every outcome for `outcomes()`. Default true; a long soak passes false so memory stays flat. */
  keep?: boolean;
}

/**
 * A light heartbeat, independent of the business load: `SELECT 1` due every interval on its own
 * small pool, recording each attempt's due time, completion time and error class. Outage edges
 * are then known to within one interval.
 */
export class ProbeLane implements AsyncDisposable {
  readonly intervalMs: number;
  private readonly attempts: AttemptOutcome[] = [];
  private readonly clients: ProbeClients;
  private readonly timeoutMs: number;
  private readonly onOutcome: ((outcome: AttemptOutcome) => void) | undefined;
  private readonly keep: boolean;
  private timer: NodeJS.Timeout | undefined;
  private nextDue = 0;
  private inFlight = new Set<Promise<void>>();
  private stopped: Promise<AttemptOutcome[]> | undefined;

  constructor(options: ProbeLaneOptions) {
    this.intervalMs = options.intervalMs ?? 20;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.onOutcome = options.onOutcome;
    this.keep = options.keep ?? true;
    // Its own few connections, opened as every connection is (libpq's sslmode fallbacks).
    this.clients = new ProbeClients(options.endpoint, { application_name: 'cutover-probe', query_timeout: this.timeoutMs }, options.maxConnections ?? 4, this.timeoutMs);
  }

  start(): void {
    this.nextDue = Date.now();
    this.tick();
  }

  private tick(): void {
    const now = Date.now();
    // Open loop: every attempt that fell due since the last tick is sent now, with its own due time.
    while (this.nextDue <= now) {
      this.fire(this.nextDue);
      this.nextDue += this.intervalMs;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextDue - Date.now()));
  }

  private fire(dueAt: number): void {
    const p = (async () => {
      let outcome: AttemptOutcome;
      try {
        const client = await this.clients.acquire();
        try {
          await client.query('SELECT 1');
        } catch (error) {
          this.clients.drop(client);
          throw error;
        }
        this.clients.release(client);
        outcome = { dueAt, completedAt: Date.now(), ok: true };
      } catch (error) {
        // A failure to connect is connectClient's error (it names the endpoint); its cause has the SQLSTATE.
        const { sqlState } = describeError(connectFailureCause(error));
        outcome = { dueAt, completedAt: Date.now(), ok: false, errorClass: classifyConnectFailure(error), ...describeError(error), ...(sqlState ? { sqlState } : {}) };
      }
      if (this.keep) this.attempts.push(outcome);
      this.onOutcome?.(outcome);
    })();
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Attempts recorded so far (a copy). */
  outcomes(): AttemptOutcome[] {
    return [...this.attempts];
  }

  /** Stops scheduling, waits for attempts in flight, closes the pool; idempotent. */
  stop(): Promise<AttemptOutcome[]> {
    this.stopped ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      await Promise.allSettled([...this.inFlight]);
      await this.clients.close();
      return this.outcomes();
    })();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
