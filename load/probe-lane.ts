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

const WRITABLE_SQL = "SELECT current_setting('transaction_read_only') = 'off' AS writable";

/**
 * A light heartbeat, independent of the business load: `SELECT 1` due every interval on its own
 * small pool, recording each attempt's due time, completion time and error class. Outage edges
 * are then known to within one interval. With an endpoint that asks for a read-write server (or a
 * primary), the heartbeat also asks whether the server still takes writes, in the same statement.
 */
export class ProbeLane implements AsyncDisposable {
  readonly intervalMs: number;
  private readonly attempts: AttemptOutcome[] = [];
  private readonly clients: ProbeClients;
  private readonly timeoutMs: number;
  private readonly onOutcome: ((outcome: AttemptOutcome) => void) | undefined;
  private readonly keep: boolean;
  /** The heartbeat's statement: `SELECT 1`, or one that also says whether the server takes writes. */
  private readonly sql: string;
  private timer: NodeJS.Timeout | undefined;
  private nextDue = 0;
  private inFlight = new Set<Promise<void>>();
  private stopped: Promise<AttemptOutcome[]> | undefined;

  constructor(options: ProbeLaneOptions) {
    this.intervalMs = options.intervalMs ?? 20;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.onOutcome = options.onOutcome;
    this.keep = options.keep ?? true;
    // When the endpoint asks for a writer, a server that stopped taking writes (a demoted primary,
    // a read-only flip) is an outage for the load: the probe says so, and leaves that server.
    const target = options.endpoint.targetSessionAttrs;
    this.sql = target === 'read-write' || target === 'primary' ? WRITABLE_SQL : 'SELECT 1';
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
        let writable = true;
        try {
          const { rows } = await client.query<{ writable?: boolean }>(this.sql);
          writable = rows[0]?.writable !== false;
        } catch (error) {
          this.clients.drop(client);
          throw error;
        }
        if (!writable) {
          this.clients.drop(client);
          throw Object.assign(new Error('the server no longer takes writes (transaction_read_only is on) and a read-write server was asked for'), { code: '25006' });
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
