import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedgerWriter, type FileLedgerWriter } from '../../load/ledger-writer.js';
import { readLedgers, parseLedger } from '../../load/ledger-reader.js';
import { LedgerExpectation } from '../../load/ledger-expectation.js';
import { OutcomeWindow } from '../../load/outcome-window.js';
import type { AttemptOutcomeKind, WriterLedger } from '../../load/ledger-types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WRITER = { writerKey: 7, label: 'unit' };

/**
 * Plays `total` attempts through a pool of `pool` slots: each attempt completes after a random
 * number of later sends, so completions arrive out of order. Returns every outcome.
 */
async function play(ledger: FileLedgerWriter, total: number, options: { pool: number; flushEvery: number; outcome: (seq: number) => AttemptOutcomeKind; seed?: number; clock?: { t: number }; sendsPerMs?: number }): Promise<Map<number, AttemptOutcomeKind>> {
  const random = rng(options.seed ?? 1);
  const outcomes = new Map<number, AttemptOutcomeKind>();
  const inFlight: number[] = [];
  const complete = (index: number): void => {
    const [seq] = inFlight.splice(index, 1);
    if (seq === undefined) return;
    const outcome = options.outcome(seq);
    outcomes.set(seq, outcome);
    ledger.record(seq, outcome, outcome === 'ok' ? undefined : { errorClass: outcome === 'error' ? 'refused' : 'timeout', dueAt: 1_700_000_000_000 + seq, completedAt: 1_700_000_000_000 + seq + 5 });
  };
  for (let seq = 0; seq < total; seq++) {
    if (options.clock) options.clock.t += 1 / (options.sendsPerMs ?? 1);
    if (inFlight.length >= options.pool) complete(Math.floor(random() * inFlight.length));
    ledger.beforeSend(seq);
    inFlight.push(seq);
    if (seq % options.flushEvery === options.flushEvery - 1) await ledger.flush();
  }
  while (inFlight.length) complete(Math.floor(random() * inFlight.length));
  return outcomes;
}

/** Expands a ledger back into seq -> outcome, for comparison with what was played. */
function expand(ledger: WriterLedger): Map<number, AttemptOutcomeKind> {
  const out = new Map<number, AttemptOutcomeKind>();
  for (const [from, to] of ledger.okRanges) for (let s = from; s <= to; s++) out.set(s, 'ok');
  for (const e of ledger.exceptions) out.set(e.seq, e.outcome);
  return out;
}

describe('ledger writer and reader round trip', () => {
  it('out-of-order completions through a pool come back exactly, as ranges plus exceptions', async () => {
    const ledger = await openLedgerWriter({ dir, writer: WRITER, run: 'r1' });
    const outcome = (seq: number): AttemptOutcomeKind => (seq % 997 === 5 ? 'error' : seq % 1231 === 9 ? 'unknown' : 'ok');
    const played = await play(ledger, 20_000, { pool: 16, flushEvery: 100, outcome });
    await ledger.close();
    const [read] = await readLedgers(dir);
    expect(read).toBeDefined();
    if (!read) return;
    expect(read.writer).toEqual(WRITER);
    expect(read.run).toBe('r1');
    expect(read.closed).toBe(true);
    expect(read.torn).toBe(false);
    expect(expand(read)).toEqual(played);
    // Ok runs are split only by exceptions.
    expect(read.okRanges.length).toBe(read.exceptions.length + 1);
    expect(read.exceptions.find((e) => e.seq === 5)).toEqual({ seq: 5, outcome: 'error', errorClass: 'refused', dueAt: 1_700_000_000_005, completedAt: 1_700_000_000_010 });
    // A clean close: nothing beyond the last attempt counts as attempted.
    expect(read.reservedThrough).toBe(19_999);
    expect(new LedgerExpectation(read).attempted).toBe(20_000);
  });

  it('close records attempts still in flight as unknown', async () => {
    const ledger = await openLedgerWriter({ dir, writer: WRITER, run: 'r1' });
    for (let seq = 0; seq < 10; seq++) ledger.beforeSend(seq);
    for (const seq of [0, 1, 2, 4, 6]) ledger.record(seq, 'ok');
    await ledger.close();
    await ledger.close(); // idempotent
    const [read] = await readLedgers(dir);
    expect(read?.okRanges).toEqual([[0, 2], [4, 4], [6, 6]]);
    expect(read?.exceptions.map((e) => [e.seq, e.outcome, e.errorClass])).toEqual([
      [3, 'unknown', 'unresolved-at-close'],
      [5, 'unknown', 'unresolved-at-close'],
      [7, 'unknown', 'unresolved-at-close'],
      [8, 'unknown', 'unresolved-at-close'],
      [9, 'unknown', 'unresolved-at-close'],
    ]);
    expect(read?.closed).toBe(true);
    expect(read?.reservedThrough).toBe(9);
  });

  it('after a crash (no close) every seq above the last flushed outcome up to the reservation is unknown', async () => {
    const ledger = await openLedgerWriter({ dir, writer: WRITER, run: 'r1', minReserve: 64 });
    for (let seq = 0; seq < 100; seq++) {
      ledger.beforeSend(seq);
      if (seq < 90) ledger.record(seq, 'ok');
    }
    await ledger.flush();
    // Sent and completed after the last flush: the crash loses them from the ledger.
    for (let seq = 100; seq < 120; seq++) {
      ledger.beforeSend(seq);
      ledger.record(seq, 'ok');
    }
    // No close: read the file as a crash leaves it.
    const [read] = await readLedgers(dir);
    if (!read) throw new Error('no ledger');
    expect(read.closed).toBe(false);
    expect(read.okRanges).toEqual([[0, 89]]);
    // Every seq sent must be covered: the reservation reaches at least the highest beforeSend.
    expect(read.reservedThrough).toBeGreaterThanOrEqual(119);
    const expectation = new LedgerExpectation(read);
    expect(expectation.composition(0, 89)).toEqual({ ok: 90, unknown: 0, error: 0, never: 0 });
    expect(expectation.composition(90, read.reservedThrough).unknown).toBe(read.reservedThrough - 89);
    expect(expectation.composition(read.reservedThrough + 1, read.reservedThrough + 1000).never).toBe(1000);
    // The reservation is bounded: a batch ahead of the highest send, not unbounded.
    expect(read.reservedThrough).toBeLessThan(119 + 2 * 64 + 1);
    await ledger.close();
  });

  it('a torn last line (crash mid-write) is ignored: everything before it is used, the reservation covers the rest', async () => {
    const ledger = await openLedgerWriter({ dir, writer: WRITER, run: 'r1' });
    for (let seq = 0; seq < 50; seq++) {
      ledger.beforeSend(seq);
      ledger.record(seq, seq === 20 ? 'error' : 'ok', seq === 20 ? { errorClass: 'read-only', dueAt: 1, completedAt: 2 } : undefined);
    }
    await ledger.flush();
    const file = ledger.path;
    const before = await readFile(file, 'utf8');
    // A record cut in the middle, as a SIGKILL during write() can leave it.
    await appendFile(file, 'R 50 3');
    const read = parseLedger(await readFile(file, 'utf8'), file, WRITER.writerKey);
    expect(read.torn).toBe(true);
    expect(read.okRanges).toEqual([[0, 19], [21, 49]]);
    expect(read.exceptions.map((e) => e.seq)).toEqual([20]);
    expect(read.reservedThrough).toBeGreaterThanOrEqual(49);
    // Garbage after a machine crash (zeros past the synced size) is treated the same way.
    const zeros = parseLedger(`${before}\0\0\0\0\nR 50 3\n`, file, WRITER.writerKey);
    expect(zeros.torn).toBe(true);
    expect(zeros.okRanges).toEqual([[0, 19], [21, 49]]);
    await ledger.close();
  });

  it('a file whose header was never completed holds no attempts', () => {
    const read = parseLedger('cutover-ledger 1 {"run":"r', '/x/writer-9.ledger', 9);
    expect(read).toMatchObject({ writer: { writerKey: 9 }, okRanges: [], exceptions: [], reservedThrough: -1, torn: true });
  });

  it('refuses a ledger of another format version, naming it', () => {
    expect(() => parseLedger('cutover-ledger 2 {"run":"r","writerKey":9,"label":""}\n', '/x/writer-9.ledger', 9)).toThrow(/format version 2/);
  });

  it('the file is readable by a person: a header, ranges, exact exceptions, reservations, closed', async () => {
    const ledger = await openLedgerWriter({ dir, writer: WRITER, run: 'r1', minReserve: 8 });
    for (let seq = 0; seq < 6; seq++) {
      ledger.beforeSend(seq);
      ledger.record(seq, seq === 3 ? 'unknown' : 'ok', seq === 3 ? { errorClass: 'timeout', dueAt: 1_700_000_000_000, completedAt: 1_700_000_002_000 } : undefined);
    }
    await ledger.close();
    expect(await readFile(ledger.path, 'utf8')).toBe(
      ['cutover-ledger 1 {"run":"r1","writerKey":7,"label":"unit"}', 'reserve 7', 'R 0 3', 'U 3 1700000000000 2000 timeout', 'R 4 2', 'closed 6', ''].join('\n'),
    );
  });

  it('refuses to open a second ledger for the same writer key', async () => {
    const first = await openLedgerWriter({ dir, writer: WRITER, run: 'r1' });
    await expect(openLedgerWriter({ dir, writer: WRITER, run: 'r1' })).rejects.toThrow(/cannot create/);
    await first.close();
  });
});

describe('ledger size and memory in steady state', () => {
  for (const { rate, flushMs } of [
    { rate: 50, flushMs: 1000 },
    { rate: 500, flushMs: 200 },
    { rate: 2000, flushMs: 200 },
  ]) {
    it(`under 2 bytes per event at ${rate}/s with a flush every ${flushMs} ms, and a window bounded by the attempts in flight`, async () => {
      const clock = { t: 1_000_000 };
      const ledger = await openLedgerWriter({ dir, writer: { writerKey: 2_147_483_647, label: 'node pid 123456 on host' }, run: '20250101-000000-bench', expectedRate: rate, now: () => clock.t });
      const perFlush = Math.round((rate * flushMs) / 1000);
      const warm = rate * 10;
      const total = rate * 120;
      let spanMax = 0;
      let bytesAtWarm = 0;
      const random = rng(3);
      // Each attempt completes 1..64 sends after it was sent (latency within the attempt timeout),
      // so completions arrive out of order across a pool of connections.
      const completions = new Map<number, number[]>();
      for (let seq = 0; seq < total; seq++) {
        clock.t += 1000 / rate;
        for (const done of completions.get(seq) ?? []) ledger.record(done, 'ok');
        completions.delete(seq);
        ledger.beforeSend(seq);
        const at = seq + 1 + Math.floor(random() * 64);
        completions.set(at, [...(completions.get(at) ?? []), seq]);
        if (seq % perFlush === perFlush - 1) {
          await ledger.flush();
          spanMax = Math.max(spanMax, ledger.windowSpan);
        }
        if (seq === warm) bytesAtWarm = ledger.bytesWritten;
      }
      const bytesPerEvent = (ledger.bytesWritten - bytesAtWarm) / (total - warm);
      expect(bytesPerEvent).toBeLessThan(2);
      expect(spanMax).toBeLessThanOrEqual(64);
      await ledger.close();
    });
  }
});

describe('outcome window', () => {
  it('grows to the span in flight and keeps outcomes through growth', () => {
    const w = new OutcomeWindow();
    for (let seq = 1; seq < 5000; seq++) w.set(seq, seq % 2 ? 'ok' : 'error', { errorClass: 'x', dueAt: seq, completedAt: seq });
    expect(w.drain()).toEqual([]); // seq 0 still pending
    w.set(0, 'ok');
    const items = w.drain();
    expect(items.filter((i) => !i.ok).length).toBe(2499);
    expect(items[0]).toEqual({ ok: true, from: 0, count: 2 });
    expect(w.next).toBe(5000);
    expect(w.span).toBe(0);
  });

  it('keeps the first outcome of a seq recorded twice', () => {
    const w = new OutcomeWindow();
    w.set(0, 'ok');
    w.set(0, 'error');
    expect(w.drain()).toEqual([{ ok: true, from: 0, count: 1 }]);
    w.set(0, 'unknown');
    expect(w.drain()).toEqual([]);
  });
});
