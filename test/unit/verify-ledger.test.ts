import { describe, expect, it } from 'vitest';
import { verifyAgainst, type LedgerVerification } from '../../load/verify-ledger.js';
import { classifyLate } from '../../load/late-ids.js';
import type { IdSource, SeqRange } from '../../load/verify-source.js';
import { ledgerId, type ExceptionalAttempt, type WriterLedger } from '../../load/ledger-types.js';

/** A table in memory: per writer, the sorted seqs present (a seq once per row). */
class FakeTable implements IdSource {
  queries = 0;
  private readonly sorted = new Map<number, { seqs: Float64Array; firsts: Uint32Array }>();

  constructor(rows: Map<number, number[]>) {
    for (const [key, list] of rows) {
      const seqs = Float64Array.from(list).sort();
      // firsts[i]: how many of seqs[0..i) are the first row of their seq.
      const firsts = new Uint32Array(seqs.length + 1);
      for (let i = 0; i < seqs.length; i++) firsts[i + 1] = (firsts[i] ?? 0) + (i === 0 || seqs[i] !== seqs[i - 1] ? 1 : 0);
      this.sorted.set(key, { seqs, firsts });
    }
  }

  private bounds(key: number, from: number, to: number): { lo: number; hi: number; seqs: Float64Array; firsts: Uint32Array } {
    const t = this.sorted.get(key) ?? { seqs: new Float64Array(0), firsts: new Uint32Array(1) };
    const lower = (v: number): number => {
      let lo = 0;
      let hi = t.seqs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((t.seqs[mid] ?? 0) < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    return { lo: lower(from), hi: lower(to + 1), ...t };
  }

  async count(key: number, ranges: readonly SeqRange[]) {
    this.queries++;
    return ranges.map(([from, to]) => {
      const { lo, hi, seqs, firsts } = this.bounds(key, from, to);
      if (hi <= lo) return { rows: 0, distinct: 0 };
      const continues = lo > 0 && seqs[lo] === seqs[lo - 1] ? 1 : 0;
      return { rows: hi - lo, distinct: (firsts[hi] ?? 0) - (firsts[lo] ?? 0) + continues };
    });
  }

  async fetch(key: number, ranges: readonly SeqRange[]): Promise<[number, number][][]> {
    this.queries++;
    return ranges.map(([from, to]) => {
      const { lo, hi, seqs } = this.bounds(key, from, to);
      const out: [number, number][] = [];
      for (let i = lo; i < hi; i++) {
        const last = out[out.length - 1];
        if (last && last[0] === seqs[i]) last[1]++;
        else out.push([seqs[i] ?? 0, 1]);
      }
      return out;
    });
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** DESIGN.md's rules applied seq by seq: the slow, obviously right answer. */
function bruteForce(ledgers: WriterLedger[], rows: Map<number, number[]>) {
  const result = { attempts: 0, confirmed: 0, lost: 0, recovered: 0, notCommitted: 0, failed: 0, unexpected: 0, duplicated: 0, lostIds: [] as string[], unexpectedIds: [] as string[], duplicatedIds: [] as string[] };
  for (const ledger of [...ledgers].sort((a, b) => a.writer.writerKey - b.writer.writerKey)) {
    const key = ledger.writer.writerKey;
    const cls = new Map<number, string>();
    for (const [from, to] of ledger.okRanges) for (let s = from; s <= to; s++) cls.set(s, 'ok');
    for (const e of ledger.exceptions) cls.set(e.seq, e.outcome);
    const attemptedThrough = Math.max(ledger.reservedThrough, ...cls.keys());
    for (let s = 0; s <= attemptedThrough; s++) if (!cls.has(s)) cls.set(s, 'unknown');
    const copies = new Map<number, number>();
    for (const s of rows.get(key) ?? []) copies.set(s, (copies.get(s) ?? 0) + 1);
    const seqs = [...new Set([...cls.keys(), ...copies.keys()])].sort((a, b) => a - b);
    for (const s of seqs) {
      const c = cls.get(s) ?? 'never';
      const n = copies.get(s) ?? 0;
      const id = ledgerId(key, s).toString();
      if (c !== 'never') result.attempts++;
      if (c === 'ok') {
        if (n > 0) result.confirmed++;
        else {
          result.lost++;
          result.lostIds.push(id);
        }
      } else if (c === 'unknown') {
        if (n > 0) result.recovered++;
        else result.notCommitted++;
      } else if (n > 0) {
        result.unexpected++;
        result.unexpectedIds.push(id);
      } else if (c === 'error') result.failed++;
      if (n > 1) {
        result.duplicated++;
        result.duplicatedIds.push(id);
      }
    }
  }
  return result;
}

/** A writer's run with outages, a crash or not, and a table with every kind of anomaly. */
function scenario(seed: number, key: number, size: number): { ledger: WriterLedger; rows: number[] } {
  const random = rng(seed);
  const outcome = new Array<'ok' | 'error' | 'unknown'>(size).fill('ok');
  // Outages: clusters of errors and unknowns, sometimes long.
  for (let o = 0; o < 1 + Math.floor(random() * 4); o++) {
    const start = Math.floor(random() * size);
    const length = random() < 0.2 ? Math.floor(random() * 70_000) : Math.floor(random() * 300);
    for (let s = start; s < Math.min(size, start + length); s++) outcome[s] = random() < 0.3 ? 'unknown' : random() < 0.9 ? 'error' : 'ok';
  }
  const crashed = random() < 0.5;
  const flushedThrough = crashed ? size - 1 - Math.floor(random() * 200) : size - 1;
  const okRanges: [number, number][] = [];
  const exceptions: ExceptionalAttempt[] = [];
  for (let s = 0; s <= flushedThrough; s++) {
    const o = outcome[s] ?? 'ok';
    if (o === 'ok') {
      const last = okRanges[okRanges.length - 1];
      if (last && last[1] === s - 1) last[1] = s;
      else okRanges.push([s, s]);
    } else exceptions.push({ seq: s, outcome: o, errorClass: 'refused', dueAt: s, completedAt: s + 1 });
  }
  const ledger: WriterLedger = { writer: { writerKey: key, label: `w${key}` }, okRanges, exceptions, reservedThrough: crashed ? size - 1 + Math.floor(random() * 64) : flushedThrough, closed: !crashed };
  const rows: number[] = [];
  const lostTail = random() < 0.3 ? Math.floor(random() * 5000) : 0;
  for (let s = 0; s < size; s++) {
    const o = outcome[s] ?? 'ok';
    const p = o === 'ok' ? (s >= size - lostTail ? 0 : random() < 0.0005 ? 0 : 1) : o === 'unknown' ? (random() < 0.5 ? 1 : 0) : random() < 0.002 ? 1 : 0;
    for (let c = 0; c < p; c++) rows.push(s);
    if (p && random() < 0.0005) rows.push(s); // duplicated
  }
  // Never attempted: just above the attempts, and far away in the writer's id space.
  if (random() < 0.5) rows.push(size + 100, 2 ** 32 - 1, 2 ** 31, 2 ** 31);
  return { ledger, rows };
}

function summary(v: LedgerVerification) {
  const { attempts, confirmed, lost, recovered, notCommitted, failed, unexpected, duplicated } = v;
  return { attempts, confirmed, lost, recovered, notCommitted, failed, unexpected, duplicated, lostIds: v.ids.lost, unexpectedIds: v.ids.unexpected, duplicatedIds: v.ids.duplicated };
}

/** Every id of one class from a verification's uncapped sets, writers in key order, ids ascending. */
function everyId(v: LedgerVerification, cls: 'lost' | 'unexpected' | 'duplicated'): string[] {
  const out: string[] = [];
  for (const f of v.flagged) for (const [from, to] of f[cls].ranges()) for (let s = from; s <= to; s++) out.push(ledgerId(f.writerKey, s).toString());
  return out;
}

describe('verifyAgainst: DESIGN.md classification, by counts then bisection', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`agrees with a seq-by-seq brute force (seed ${seed}: outages, crash tails, lost, unexpected, duplicated, never attempted)`, async () => {
      const ledgers: WriterLedger[] = [];
      const rows = new Map<number, number[]>();
      for (let w = 0; w < 3; w++) {
        const key = 1000 + seed * 10 + w;
        const { ledger, rows: r } = scenario(seed * 31 + w, key, 20_000 + Math.floor(rng(seed + w)() * 200_000));
        ledgers.push(ledger);
        rows.set(key, r);
      }
      // Ids of a writer of another run: not this run's business.
      rows.set(1, [0, 1, 2]);
      const table = new FakeTable(rows);
      const result = await verifyAgainst(ledgers, table, Infinity);
      const expected = bruteForce(ledgers, rows);
      expect(summary(result)).toEqual(expected);
      expect(result.writers.reduce((n, w) => n + w.lost, 0)).toBe(result.lost);
      // Capped lists are the lowest ids, whatever order the ranges were settled in.
      const capped = await verifyAgainst(ledgers, table, 25);
      expect(capped.ids).toEqual({ lost: expected.lostIds.slice(0, 25), unexpected: expected.unexpectedIds.slice(0, 25), duplicated: expected.duplicatedIds.slice(0, 25) });
      // The uncapped sets behind the lists (the run directory's flagged-ids.ndjson) hold every id whatever the cap.
      expect(everyId(capped, 'lost')).toEqual(expected.lostIds);
      expect(everyId(capped, 'unexpected')).toEqual(expected.unexpectedIds);
      expect(everyId(capped, 'duplicated')).toEqual(expected.duplicatedIds);
    });
  }

  it('a million clean events with one loss cost a handful of round trips, not a million', async () => {
    const size = 1_000_000;
    const ledger: WriterLedger = { writer: { writerKey: 5, label: '' }, okRanges: [[0, size - 1]], exceptions: [], reservedThrough: size - 1, closed: true };
    const present = Array.from({ length: size }, (_, i) => i).filter((s) => s !== 654_321);
    const table = new FakeTable(new Map([[5, present]]));
    const result = await verifyAgainst([ledger], table);
    expect(result).toMatchObject({ attempts: size, confirmed: size - 1, lost: 1, unexpected: 0, duplicated: 0 });
    expect(result.ids.lost).toEqual([ledgerId(5, 654_321).toString()]);
    expect(result.queries).toBeLessThanOrEqual(3);
  });

  it('a large contiguous loss (a standby promoted behind) is counted without fetching every id', async () => {
    const size = 500_000;
    const ledger: WriterLedger = { writer: { writerKey: 6, label: '' }, okRanges: [[0, size - 1]], exceptions: [], reservedThrough: size - 1, closed: true };
    const table = new FakeTable(new Map([[6, Array.from({ length: 300_000 }, (_, i) => i)]]));
    const result = await verifyAgainst([ledger], table, 10);
    expect(result).toMatchObject({ confirmed: 300_000, lost: 200_000 });
    expect(result.ids.lost).toEqual(Array.from({ length: 10 }, (_, i) => ledgerId(6, 300_000 + i).toString()));
    expect(result.queries).toBeLessThanOrEqual(4);
  });

  it('caps the id lists but never the counts', async () => {
    const ledger: WriterLedger = { writer: { writerKey: 8, label: '' }, okRanges: [[0, 9_999]], exceptions: [], reservedThrough: 9_999, closed: true };
    const result = await verifyAgainst([ledger], new FakeTable(new Map([[8, [1, 1, 2, 2, 3, 3, 20_000, 20_001, 20_002]]])), 2);
    expect(result).toMatchObject({ lost: 9_997, unexpected: 3, duplicated: 3 });
    expect(result.ids).toEqual({
      lost: [ledgerId(8, 0).toString(), ledgerId(8, 4).toString()],
      unexpected: [ledgerId(8, 20_000).toString(), ledgerId(8, 20_001).toString()],
      duplicated: [ledgerId(8, 1).toString(), ledgerId(8, 2).toString()],
    });
  });
});

describe('classifyLate', () => {
  const ledger: WriterLedger = { writer: { writerKey: 9, label: '' }, okRanges: [[0, 99]], exceptions: [], reservedThrough: 99, closed: true };
  const at = (present: number[]) => verifyAgainst([ledger], new FakeTable(new Map([[9, present]])), Infinity);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('ids missing when writes resume but present later are late; those never arriving stay lost', async () => {
    const first = await at(upTo(90)); // 90..99 not yet replicated
    const later = await at([...upTo(90), 90, 91, 92, 93, 94, 95, 96, 97]); // 98, 99 never arrive
    const late = classifyLate(first, later);
    expect(late.late).toBe(8);
    expect(late.lateIds).toEqual([90, 91, 92, 93, 94, 95, 96, 97].map((s) => ledgerId(9, s).toString()));
    expect(late.lost).toBe(2);
    expect(late.lostIds).toEqual([98, 99].map((s) => ledgerId(9, s).toString()));
  });

  it('refuses a first check whose lost list was capped', async () => {
    const first = await verifyAgainst([ledger], new FakeTable(new Map([[9, upTo(50)]])), 10);
    await expect(async () => classifyLate(first, await at(upTo(100)))).rejects.toThrow(/idsCap: Infinity/);
  });
});
