import type pg from 'pg';
import { connectClient } from '../../core/connect-client.js';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession } from '../../core/session.js';
import { classifyError } from '../../load/error-class.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { ledgerId, type WriterIdentity } from '../../load/ledger-types.js';
import { openLedgerWriter, type FileLedgerWriter } from '../../load/ledger-writer.js';
import { eventsTableDdl } from '../../load/ledger-table.js';
import { qualified } from '../../load/sql-ident.js';
import { registerWriter } from '../../load/writer-registry.js';

export interface TestWriterOptions {
  endpoint: Endpoint;
  schema: string;
  runDir: string;
  /** Attempts per second. */
  rate: number;
  connections?: number;
  flushMs?: number;
  label?: string;
}

export interface TestWriterStats {
  sent: number;
  ok: number;
  error: number;
  unknown: number;
}

/**
 * A small writer for the ledger's tests (the real Node driver lives in load/driver*): ledgered
 * inserts at a steady rate through a few connections, outcomes through the LedgerWriter. An
 * error response on a live connection is `error` (the statement rolled back); a connection that
 * dies or a failure without SQLSTATE is `unknown`; a failure to connect is `error` (not sent).
 */
export class TestLedgeredWriter {
  readonly stats: TestWriterStats = { sent: 0, ok: 0, error: 0, unknown: 0 };
  private readonly queue: number[] = [];
  private readonly waiting: ((seq: number | undefined) => void)[] = [];
  private stopping = false;
  private nextSeq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private lanes: Promise<void>[] = [];
  private readonly startedAt = Date.now();

  private constructor(
    readonly writer: WriterIdentity,
    readonly ledger: FileLedgerWriter,
    private readonly options: TestWriterOptions,
    private readonly sql: string,
  ) {}

  /** Prepares the schema, registers a writer, opens its ledger and starts writing. */
  static async start(options: TestWriterOptions): Promise<TestLedgeredWriter> {
    let writer: WriterIdentity;
    {
      await using admin = await openSession(options.endpoint, { readOnly: false, applicationName: 'cutover-test-setup' });
      for (const statement of eventsTableDdl(options.schema)) await admin.query(statement);
      writer = await registerWriter(admin, options.schema, options.label ?? `test writer pid ${process.pid}`);
    }
    const ledger = await openLedgerWriter({ dir: ledgerDir(options.runDir), writer, run: options.runDir, expectedRate: options.rate });
    const sql = `INSERT INTO ${qualified(options.schema, 'events')} (id, writer_key, payload) VALUES ($1, $2, 'test')`;
    const w = new TestLedgeredWriter(writer, ledger, options, sql);
    w.run();
    return w;
  }

  /** The ledger id of one of this writer's seqs. */
  id(seq: number): string {
    return ledgerId(this.writer.writerKey, seq).toString();
  }

  private run(): void {
    const interval = 1000 / this.options.rate;
    this.ticker = setInterval(() => {
      const due = Math.floor((Date.now() - this.startedAt) / interval) + 1;
      while (this.nextSeq < due) this.push(this.nextSeq++);
    }, 2);
    this.flusher = setInterval(() => void this.ledger.flush().catch(() => {}), this.options.flushMs ?? 100);
    for (let i = 0; i < (this.options.connections ?? 4); i++) this.lanes.push(this.lane());
  }

  private push(seq: number): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(seq);
    else this.queue.push(seq);
  }

  private take(): Promise<number | undefined> {
    if (this.stopping) return Promise.resolve(undefined);
    const seq = this.queue.shift();
    if (seq !== undefined) return Promise.resolve(seq);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async lane(): Promise<void> {
    let client: pg.Client | undefined;
    const interval = 1000 / this.options.rate;
    for (;;) {
      const seq = await this.take();
      if (seq === undefined) break;
      const dueAt = this.startedAt + seq * interval;
      this.ledger.beforeSend(seq);
      this.stats.sent++;
      if (!client) {
        try {
          client = await connectClient(this.options.endpoint, { application_name: `cutover-test-writer-${this.writer.writerKey}` });
        } catch (error) {
          this.stats.error++;
          this.ledger.record(seq, 'error', { errorClass: classifyError((error as Error).cause ?? error), dueAt, completedAt: Date.now() });
          continue;
        }
      }
      try {
        await client.query(this.sql, [this.id(seq), this.writer.writerKey]);
        this.stats.ok++;
        this.ledger.record(seq, 'ok');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const survives = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P)/.test(code);
        this.stats[survives ? 'error' : 'unknown']++;
        this.ledger.record(seq, survives ? 'error' : 'unknown', { errorClass: classifyError(error), dueAt, completedAt: Date.now() });
        if (!survives) {
          await client.end().catch(() => {});
          client = undefined;
        }
      }
    }
    await client?.end().catch(() => {});
  }

  /** Stops scheduling, lets attempts in flight finish, and closes the ledger. */
  async stop(): Promise<TestWriterStats> {
    if (!this.stopping) {
      this.stopping = true;
      clearInterval(this.ticker);
      clearInterval(this.flusher);
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
      await Promise.all(this.lanes);
      await this.ledger.close();
    }
    return this.stats;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
