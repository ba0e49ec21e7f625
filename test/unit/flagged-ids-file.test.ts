import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeqRanges } from '../../load/seq-ranges.js';
import { SeqClock } from '../../load/analysis/seq-clock.js';
import { flaggedIdLines, writeFlaggedIds, type FlaggedIdLine, type FlaggedIdsInput } from '../../load/flagged-ids-file.js';
import { ledgerId, type WriterLedger } from '../../load/ledger-types.js';
import { verifyAgainst } from '../../load/verify-ledger.js';
import type { IdSource, SeqRange } from '../../load/verify-source.js';

const ranges = (set: SeqRanges) => [...set.ranges()];

describe('SeqRanges', () => {
  it('keeps every seq of ranges added in any order, overlapping or touching, as merged ascending ranges', () => {
    const set = new SeqRanges();
    set.add(50, 60);
    set.add(10, 19);
    set.add(20, 29); // touches [10, 19]
    set.add(55, 70); // overlaps [50, 60]
    set.add(5, 5);
    set.add(3, 2); // empty
    expect(ranges(set)).toEqual([
      [5, 5],
      [10, 29],
      [50, 70],
    ]);
    expect(set.size).toBe(1 + 20 + 21);
  });

  it('holds far more ranges than its first allocation, out of order, up to the highest seq', () => {
    const set = new SeqRanges();
    const seqs = Array.from({ length: 5_000 }, (_, i) => i * 3);
    // Odd positions first, then even ones: every add after the first half is out of order.
    for (const s of [...seqs.filter((_, i) => i % 2), ...seqs.filter((_, i) => i % 2 === 0)]) set.add(s, s);
    set.add(2 ** 32 - 2, 2 ** 32 - 1);
    expect(set.size).toBe(5_002);
    const all = ranges(set);
    expect(all).toHaveLength(5_001);
    expect(all.slice(0, 3)).toEqual([
      [0, 0],
      [3, 3],
      [6, 6],
    ]);
    expect(all.at(-1)).toEqual([2 ** 32 - 2, 2 ** 32 - 1]);
  });
});

/** A table in memory: per writer, seq → number of rows. */
function table(rows: Map<number, number[]>): IdSource {
  const copies = new Map<number, Map<number, number>>();
  for (const [key, seqs] of rows) {
    const m = new Map<number, number>();
    for (const s of seqs) m.set(s, (m.get(s) ?? 0) + 1);
    copies.set(key, m);
  }
  const inRange = (key: number, [from, to]: SeqRange) =>
    [...(copies.get(key) ?? new Map<number, number>())].filter(([s]) => s >= from && s <= to).sort((a, b) => a[0] - b[0]);
  return {
    queries: 0,
    async count(key, batch) {
      return batch.map((r) => {
        const present = inRange(key, r);
        return { rows: present.reduce((n, [, c]) => n + c, 0), distinct: present.length };
      });
    },
    async fetch(key, batch) {
      return batch.map((r) => inRange(key, r));
    },
  };
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
/** One attempt every 10 ms from T0. */
const dueOf = (seq: number) => T0 + seq * 10;

/**
 * Writer 7 attempted seqs 0..2999, one every 10 ms: 0..2998 ok except 1500 (an error, refused)
 * and 2999 unknown. The table lacks 100..2599 but has 1500 (the error: unexpected), so 2,499 are
 * lost, across three steps; it has 40 twice (duplicated) and 9000, which was never attempted
 * (unexpected).
 */
async function fixture(idsCap: number): Promise<FlaggedIdsInput & { counts: { lost: number; unexpected: number; duplicated: number } }> {
  const ledger: WriterLedger = {
    writer: { writerKey: 7, label: 'node host-a pid 42' },
    okRanges: [
      [0, 1499],
      [1501, 2998],
    ],
    exceptions: [
      { seq: 1500, outcome: 'error', errorClass: 'refused', dueAt: dueOf(1500) + 3, completedAt: dueOf(1500) + 4 },
      { seq: 2999, outcome: 'unknown', errorClass: 'timeout', dueAt: dueOf(2999), completedAt: dueOf(2999) + 1000 },
    ],
    reservedThrough: 2999,
    closed: true,
  };
  const present = Array.from({ length: 3000 }, (_, s) => s).filter((s) => s < 100 || s >= 2600 || s === 1500);
  present.push(40, 9000);
  const verification = await verifyAgainst([ledger], table(new Map([[7, present]])), idsCap);
  // The clock anchors once a second, as the soak records it; between anchors it interpolates.
  const clock = new SeqClock();
  for (let s = 0; s < 3000; s++) clock.observe(7, s, dueOf(s));
  return {
    flagged: verification.flagged,
    ledgers: [ledger],
    clock,
    steps: [
      { name: 'warm-up', startedAt: T0, endedAt: dueOf(999) },
      { name: 'switchover', startedAt: dueOf(1000), endedAt: dueOf(1999) },
      { name: 'cool-down', startedAt: dueOf(2000), endedAt: dueOf(2999) },
    ],
    counts: { lost: verification.lost, unexpected: verification.unexpected, duplicated: verification.duplicated },
  };
}

describe('flagged ids file', () => {
  it('names every flagged id past the verification caps, with its class, writer, due time and step', async () => {
    const input = await fixture(10);
    expect(input.counts).toEqual({ lost: 2_499, unexpected: 2, duplicated: 1 });
    const lines = [...flaggedIdLines(input)];
    const lost = lines.filter((l) => l.class === 'lost');
    expect(lost).toHaveLength(2_499);
    expect(lost.map((l) => l.id)).toEqual(Array.from({ length: 2_500 }, (_, i) => 100 + i).filter((s) => s !== 1500).map((s) => ledgerId(7, s).toString()));
    expect(lost[0]).toEqual({ class: 'lost', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 100).toString(), dueAt: new Date(dueOf(100)).toISOString(), step: 'warm-up' });
    // Steps by due time: 100..999 in the first, 1000..1999 but 1500 in the second, 2000..2599 in the third.
    const perStep = (name: string) => lost.filter((l) => l.step === name).length;
    expect([perStep('warm-up'), perStep('switchover'), perStep('cool-down')]).toEqual([900, 999, 600]);
    expect(lost.find((l) => l.id === ledgerId(7, 2599).toString())).toMatchObject({ dueAt: new Date(dueOf(2599)).toISOString(), step: 'cool-down' });

    const rest = lines.filter((l) => l.class !== 'lost');
    expect(rest).toEqual<FlaggedIdLine[]>([
      // An error attempt present: its exact due time comes from the ledger.
      { class: 'unexpected', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 1500).toString(), dueAt: new Date(dueOf(1500) + 3).toISOString(), step: 'switchover' },
      // Never attempted: no due time, so no step.
      { class: 'unexpected', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 9000).toString(), dueAt: null, step: null },
      { class: 'duplicated', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 40).toString(), dueAt: new Date(dueOf(40)).toISOString(), step: 'warm-up' },
    ]);
  });

  it('lists late ids after the others, and an id due between steps has no step', async () => {
    const input = await fixture(Infinity);
    const steps = [{ name: 'switchover', startedAt: dueOf(2600), endedAt: dueOf(2999) }];
    const lines = [...flaggedIdLines({ ...input, steps, late: [ledgerId(7, 2700), ledgerId(7, 2650)] })];
    expect(lines.slice(-2)).toEqual([
      { class: 'late', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 2650).toString(), dueAt: new Date(dueOf(2650)).toISOString(), step: 'switchover' },
      { class: 'late', writer: 'node host-a pid 42', writerKey: 7, id: ledgerId(7, 2700).toString(), dueAt: new Date(dueOf(2700)).toISOString(), step: 'switchover' },
    ]);
    expect(lines.find((l) => l.class === 'lost')?.step).toBeNull();
  });

  it('writes one JSON line per id, whole (no temporary file left), and returns the counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-flagged-'));
    try {
      const input = await fixture(10);
      const path = join(dir, 'flagged-ids.ndjson');
      const counts = await writeFlaggedIds(path, { ...input, late: [ledgerId(7, 2700)] });
      expect(counts).toEqual({ lost: 2_499, unexpected: 2, duplicated: 1, late: 1 });
      const text = await readFile(path, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const parsed = text.trimEnd().split('\n').map((l) => JSON.parse(l) as FlaggedIdLine);
      expect(parsed).toEqual([...flaggedIdLines({ ...input, late: [ledgerId(7, 2700)] })]);
      expect(parsed.map((l) => l.class).filter((c, i, a) => a.indexOf(c) === i)).toEqual(['lost', 'unexpected', 'duplicated', 'late']);
      expect(await readdir(dir)).toEqual(['flagged-ids.ndjson']);

      const none = await writeFlaggedIds(path, { ...input, flagged: [] });
      expect(none).toEqual({ lost: 0, unexpected: 0, duplicated: 0, late: 0 });
      expect(await readFile(path, 'utf8')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
