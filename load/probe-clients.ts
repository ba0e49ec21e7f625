import type pg from 'pg';
import type { Endpoint } from '../core/endpoint.js';
import { type ClientSettings, connectClient } from '../core/connect-client.js';

interface Waiter {
  resolve(client: pg.Client): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The probe lane's few connections: at most `max`, each opened by `connectClient` (libpq's sslmode
 * fallbacks, like every connection of cutover), idle ones reused. A request waits for a free
 * connection at most `timeoutMs`; a connection that dies while idle is dropped, so the next probe
 * opens a new one instead of failing on a corpse (as pg.Pool did here before).
 */
export class ProbeClients {
  private readonly idle: pg.Client[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly connecting = new Set<AbortController>();
  /** Connections open, busy or being opened. */
  private count = 0;
  private closed = false;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly settings: ClientSettings,
    private readonly max: number,
    private readonly timeoutMs: number,
  ) {}

  /** A connection for one probe: an idle one, a new one, or the next one released in time. */
  acquire(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('the probe lane is stopping'));
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.count < this.max) return this.open();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`timeout: no probe connection came free within ${this.timeoutMs} ms`));
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Gives back a connection after a successful probe. */
  release(client: pg.Client): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(client);
    } else if (this.closed) {
      this.drop(client);
    } else {
      this.idle.push(client);
    }
  }

  /** Cuts a connection whose probe failed: its state is unknown. */
  drop(client: pg.Client): void {
    const i = this.idle.indexOf(client);
    if (i >= 0) this.idle.splice(i, 1);
    client.connection.stream.destroy();
    this.freed();
  }

  /** A connection slot came free: the longest waiter gets a new connection in it. */
  private freed(): void {
    this.count--;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.open().then(waiter.resolve, waiter.reject);
    }
  }

  /** Ends the idle connections and cuts the ones being opened; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('the probe lane is stopping'));
    }
    for (const attempt of this.connecting) attempt.abort();
    await Promise.allSettled(this.idle.splice(0).map((c) => c.end()));
  }

  private async open(): Promise<pg.Client> {
    this.count++;
    const attempt = new AbortController();
    this.connecting.add(attempt);
    try {
      const client = await connectClient(this.endpoint, { ...this.settings, connectionTimeoutMillis: this.timeoutMs }, { signal: attempt.signal });
      let gone = false;
      const died = () => {
        if (gone) return;
        gone = true;
        // Dead while idle: forget it now. Dead under a probe: that probe's failure drops it.
        if (this.idle.includes(client)) this.drop(client);
      };
      client.on('error', died);
      client.on('end', died);
      return client;
    } catch (error) {
      this.freed();
      throw error;
    } finally {
      this.connecting.delete(attempt);
    }
  }
}
