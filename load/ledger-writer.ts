import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { AttemptOutcomeKind, LedgerWriter, WriterIdentity } from './ledger-types.js';
import { closedLine, exceptionLine, headerLine, ledgerFileName, okLine, reserveLine } from './ledger-format.js';
import { OutcomeWindow } from './outcome-window.js';

export interface LedgerWriterOptions {
  /** The ledger directory (`ledgerDir(runDir)`); created when missing. */
  dir: string;
  writer: WriterIdentity;
  /** The run this writer belongs to (the run directory's name), recorded in the header. */
  run: string;
  /** Attempts per second the writer expects; sizes the first reservation. */
  expectedRate?: number;
  /**
   * How far ahead to reserve, in seconds of the current rate (default 0.5). After a crash, up
   * to this much of never-sent attempts count as unknown (not committed); a longer reservation
   * only saves a few bytes.
   */
  reserveSeconds?: number;
  /** The smallest reservation batch, in seqs (default 32). */
  minReserve?: number;
  /** Clock for the rate estimate (tests drive it); default `Date.now`. */
  now?: () => number;
}

/**
 * Opens a new ledger file for one writer and returns its LedgerWriter. The header and a first
 * reservation are on disk (fsynced) before this returns, so nothing can be sent unrecorded.
 */
export async function openLedgerWriter(options: LedgerWriterOptions): Promise<FileLedgerWriter> {
  await mkdir(options.dir, { recursive: true });
  const path = join(options.dir, ledgerFileName(options.writer.writerKey));
  let handle: FileHandle;
  try {
    // 'wx': a writer key is registered once; an existing file means two writers share a key.
    handle = await open(path, 'wx');
  } catch (error) {
    throw new CutoverError('internal', `ledger: cannot create ${path}: ${(error as Error).message}`, { cause: error });
  }
  const writer = new FileLedgerWriter(handle, path, options);
  try {
    await writer.start();
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  return writer;
}

/**
 * The file-backed LedgerWriter. Records are written with synchronous appends (a few hundred
 * bytes to the page cache, so they are in call order and survive a SIGKILL of the harness) and
 * made durable against a machine crash by the `fdatasync` of each `flush`.
 */
export class FileLedgerWriter implements LedgerWriter {
  readonly writer: WriterIdentity;
  readonly path: string;
  private readonly window = new OutcomeWindow();
  private readonly reserveSeconds: number;
  private readonly minReserve: number;
  private readonly now: () => number;
  /** Highest seq on disk as reserved: anything up to it may have been sent. */
  private reservedThrough = -1;
  /** Highest seq passed to beforeSend. */
  private maxSent = -1;
  private batch: number;
  private sentSinceEstimate = 0;
  private estimateAt: number;
  private unsynced = false;
  private bytes = 0;
  private flushing: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    path: string,
    private readonly options: LedgerWriterOptions,
  ) {
    this.writer = options.writer;
    this.path = path;
    this.reserveSeconds = options.reserveSeconds ?? 0.5;
    this.minReserve = Math.max(1, options.minReserve ?? 32);
    this.now = options.now ?? Date.now;
    this.estimateAt = this.now();
    this.batch = Math.max(this.minReserve, Math.ceil((options.expectedRate ?? 0) * this.reserveSeconds));
  }

  /** Bytes appended so far (header included). */
  get bytesWritten(): number {
    return this.bytes;
  }

  /** Seqs held in memory above the written prefix (bounded by the attempts in flight). */
  get windowSpan(): number {
    return this.window.span;
  }

  /** @internal Writes the header and the first reservation; called once by openLedgerWriter. */
  async start(): Promise<void> {
    this.append(headerLine({ writerKey: this.writer.writerKey, label: this.writer.label, run: this.options.run }));
    this.reserve(this.batch - 1);
    await this.sync();
  }

  beforeSend(seq: number): void {
    if (this.closing) throw new CutoverError('internal', `ledger of writer ${this.writer.writerKey}: beforeSend(${seq}) after close`);
    if (seq > this.maxSent) {
      this.sentSinceEstimate += seq - this.maxSent;
      this.maxSent = seq;
    }
    // Normally flush() keeps the reservation ahead; this is the fallback for a burst (or the
    // first seqs). The write reaches the page cache before the attempt can be sent.
    if (seq > this.reservedThrough) this.reserve(seq + this.batch);
  }

  record(seq: number, outcome: AttemptOutcomeKind, detail?: { errorClass: string; dueAt: number; completedAt: number }): void {
    this.window.set(seq, outcome, detail);
  }

  flush(): Promise<void> {
    if (this.closing) return this.closing;
    return this.serialise(async () => {
      this.writeResolved();
      this.estimateBatch();
      // Keep at least half a batch of headroom so beforeSend rarely has to reserve itself.
      if (this.maxSent + this.batch / 2 > this.reservedThrough) this.reserve(this.maxSent + this.batch);
      await this.sync();
    });
  }

  /**
   * Writes every outcome still missing as unknown (sent, outcome never known), then a `closed`
   * record, and closes the file. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.serialise(async () => {
      try {
        const last = Math.max(this.maxSent, this.window.high - 1);
        const at = Date.now();
        for (const seq of this.window.pendingThrough(last)) {
          this.window.set(seq, 'unknown', { errorClass: 'unresolved-at-close', dueAt: at, completedAt: at });
        }
        this.writeResolved();
        this.append(closedLine(this.window.next));
        await this.sync();
      } finally {
        await this.handle.close();
      }
    });
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** One flush or close at a time, each after the previous one, whatever the caller awaits. */
  private serialise(task: () => Promise<void>): Promise<void> {
    const next = this.flushing.then(task, task);
    this.flushing = next.catch(() => {});
    return next;
  }

  private writeResolved(): void {
    let text = '';
    for (const item of this.window.drain()) text += item.ok ? okLine(item.from, item.count) : exceptionLine(item.attempt);
    if (text) this.append(text);
  }

  /** Re-estimates the batch from the rate of beforeSend since the last estimate. */
  private estimateBatch(): void {
    const now = this.now();
    const elapsed = now - this.estimateAt;
    if (elapsed < 250) return;
    const rate = (this.sentSinceEstimate * 1000) / elapsed;
    this.batch = Math.max(this.minReserve, Math.ceil(rate * this.reserveSeconds));
    this.sentSinceEstimate = 0;
    this.estimateAt = now;
  }

  private reserve(through: number): void {
    if (through <= this.reservedThrough) return;
    this.append(reserveLine(through));
    this.reservedThrough = through;
  }

  private append(text: string): void {
    const buffer = Buffer.from(text, 'utf8');
    try {
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(this.handle.fd, buffer, offset);
    } catch (error) {
      throw new CutoverError('internal', `ledger: cannot append to ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    this.bytes += buffer.length;
    this.unsynced = true;
  }

  private async sync(): Promise<void> {
    if (!this.unsynced) return;
    this.unsynced = false;
    await this.handle.datasync();
  }
}
