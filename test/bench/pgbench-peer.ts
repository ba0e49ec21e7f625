import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from '../../core/child-process.js';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { newHistogram, recordMs, type Histogram } from '../../load/latency-histogram.js';

/**
 * pgbench running the driver's insert: one writer key, ids rising by client interleaving as the
 * driver's sequence does, prepared statements, one thread (the driver is one thread too).
 */
export class Pgbench {
  private readonly script: string;

  constructor(
    private readonly bin: string,
    private readonly server: LocalServer,
    private readonly work: string,
    private readonly connections: number,
  ) {
    this.script = join(work, 'insert-event.sql');
  }

  private async run(args: string[], seconds: number): Promise<string> {
    await writeFile(
      this.script,
      [
        `\\set seq :seq + 1`,
        `\\set id 2000000000 * 4294967296 + :seq * ${this.connections} + :client_id`,
        `INSERT INTO cutover.events (id, writer_key, payload, created_at) VALUES (:id, (:id::int8 >> 32)::int4, 'event ' || :id, now());`,
        '',
      ].join('\n'),
    );
    const result = await runChecked(
      this.bin,
      ['-n', '-M', 'prepared', '-c', String(this.connections), '-j', '1', '-T', String(seconds), '-D', `seq=${Date.now() % 1e9}`, '-f', this.script, ...args,
        '-h', this.server.host, '-p', String(this.server.port), '-U', this.server.superuser, 'postgres'],
      { env: { ...process.env, PGPASSWORD: this.server.password }, timeoutMs: (seconds + 60) * 1000, cwd: this.work },
    );
    return result.stdout;
  }

  /** Transactions per second, closed loop: as fast as the connections go. */
  async maxTps(seconds: number): Promise<number> {
    const out = await this.run([], seconds);
    const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    if (!m?.[1]) throw new Error(`pgbench printed no tps:\n${out}`);
    return Number(m[1]);
  }

  /** Schedule lag of pgbench --rate, from its per-transaction log (microseconds, 7th field). */
  async scheduleLag(rate: number, seconds: number): Promise<{ p50: number; p99: number; max: number }> {
    const prefix = join(this.work, 'pgbench_rate');
    await this.run(['-R', String(rate), '-l', '--log-prefix', prefix], seconds);
    const lags: number[] = [];
    for (const f of await readdir(this.work)) {
      if (!f.startsWith('pgbench_rate')) continue;
      for (const line of (await readFile(join(this.work, f), 'utf8')).split('\n')) {
        const lag = Number(line.split(' ')[6]);
        if (Number.isFinite(lag)) lags.push(lag / 1000);
      }
    }
    lags.sort((a, b) => a - b);
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
    return { p50: q(0.5), p99: q(0.99), max: lags[lags.length - 1] ?? 0 };
  }

  /**
   * Latency of `pgbench --rate` from each transaction's scheduled start (what its per-transaction
   * log's third field is when throttled: schedule lag included, as the driver's latency from the
   * due time), into the driver's own histogram type; transactions scheduled in the first
   * `skipSeconds` are left out, as the driver's first seconds are.
   */
  async rateLatency(rate: number, seconds: number, skipSeconds = 1): Promise<{ latency: Histogram; lag: Histogram; transactions: number }> {
    const prefix = `pgbench_lat_${Date.now()}`;
    await this.run(['-R', String(rate), '-l', '--log-prefix', join(this.work, prefix)], seconds);
    const rows: { end: number; latencyUs: number; lagUs: number }[] = [];
    for (const f of await readdir(this.work)) {
      if (!f.startsWith(prefix)) continue;
      for (const line of (await readFile(join(this.work, f), 'utf8')).split('\n')) {
        // client_id transaction_no time script_no time_epoch time_us schedule_lag
        const p = line.split(' ');
        const latencyUs = Number(p[2]);
        const end = Number(p[4]) * 1e6 + Number(p[5]);
        if (Number.isFinite(latencyUs) && Number.isFinite(end) && p.length >= 7) rows.push({ end, latencyUs, lagUs: Number(p[6]) });
      }
      await rm(join(this.work, f));
    }
    let first = Infinity;
    for (const r of rows) first = Math.min(first, r.end - r.latencyUs);
    const latency = newHistogram();
    const lag = newHistogram();
    let transactions = 0;
    for (const r of rows) {
      if (r.end - r.latencyUs < first + skipSeconds * 1e6) continue;
      recordMs(latency, r.latencyUs / 1000);
      recordMs(lag, r.lagUs / 1000);
      transactions++;
    }
    return { latency, lag, transactions };
  }
}
