import { CutoverError } from '../core/errors.js';
import type { WriterLedger } from './ledger-types.js';
import { lastRecorded } from './ledger-reader.js';

/**
 * What the ledger says about a seq: it ended ok, error or unknown, or it was never attempted.
 * Seqs above the last recorded outcome up to the reservation, and any seq below it that has no
 * record, count as unknown: they may have been sent.
 */
export type SeqClass = 'ok' | 'error' | 'unknown' | 'never';

/** Largest seq of a writer's id space. */
export const MAX_SEQ = 2 ** 32 - 1;

/** How many seqs of each class a range holds. */
export interface Composition {
  ok: number;
  unknown: number;
  error: number;
  never: number;
}

export interface Segment {
  from: number;
  to: number;
  cls: SeqClass;
}

const CLASSES: SeqClass[] = ['ok', 'error', 'unknown', 'never'];

/**
 * One writer's whole seq space, 0 .. 2^32-1, cut into maximal runs of one class, with prefix
 * sums so that the composition of any range costs two binary searches.
 */
export class LedgerExpectation {
  readonly segments: Segment[];
  /** One past the highest seq that may have been attempted. */
  readonly attempted: number;
  private readonly before: Record<SeqClass, Float64Array>;

  constructor(ledger: WriterLedger) {
    const recorded: Segment[] = [
      ...ledger.okRanges.map(([from, to]): Segment => ({ from, to, cls: 'ok' })),
      ...ledger.exceptions.map((e): Segment => ({ from: e.seq, to: e.seq, cls: e.outcome })),
    ].sort((a, b) => a.from - b.from);
    const attemptedThrough = Math.max(lastRecorded(ledger), ledger.reservedThrough);
    this.attempted = attemptedThrough + 1;
    const segments: Segment[] = [];
    const push = (from: number, to: number, cls: SeqClass): void => {
      if (to < from) return;
      const last = segments[segments.length - 1];
      if (last && last.cls === cls && last.to + 1 === from) last.to = to;
      else segments.push({ from, to, cls });
    };
    let next = 0;
    for (const s of recorded) {
      if (s.from < next || s.to > MAX_SEQ || s.from > s.to) {
        throw new CutoverError('input', `ledger of writer ${ledger.writer.writerKey} records seq ${s.from} twice or out of range`);
      }
      push(next, s.from - 1, 'unknown');
      push(s.from, s.to, s.cls);
      next = s.to + 1;
    }
    push(next, attemptedThrough, 'unknown');
    push(Math.max(next, this.attempted), MAX_SEQ, 'never');
    this.segments = segments;
    this.before = { ok: new Float64Array(segments.length + 1), error: new Float64Array(segments.length + 1), unknown: new Float64Array(segments.length + 1), never: new Float64Array(segments.length + 1) };
    segments.forEach((s, i) => {
      for (const c of CLASSES) this.before[c][i + 1] = (this.before[c][i] ?? 0) + (s.cls === c ? s.to - s.from + 1 : 0);
    });
  }

  /** Index of the segment holding `seq`. */
  indexOf(seq: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.segments[mid]?.from ?? 0) <= seq) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** How many seqs of each class [a, b] holds. */
  composition(a: number, b: number): Composition {
    const result: Composition = { ok: 0, unknown: 0, error: 0, never: 0 };
    if (b < a) return result;
    const i = this.indexOf(a);
    const j = this.indexOf(b);
    for (const c of CLASSES) result[c] = (this.before[c][j + 1] ?? 0) - (this.before[c][i] ?? 0);
    // Trim the parts of the first and last segments outside [a, b].
    const first = this.segments[i];
    const last = this.segments[j];
    if (first) result[first.cls] -= a - first.from;
    if (last) result[last.cls] -= last.to - b;
    return result;
  }

  /** The parts of segments inside [a, b], in order. */
  *parts(a: number, b: number): Generator<Segment> {
    for (let i = this.indexOf(a); i < this.segments.length; i++) {
      const s = this.segments[i];
      if (!s || s.from > b) return;
      yield { from: Math.max(s.from, a), to: Math.min(s.to, b), cls: s.cls };
    }
  }
}
