import type { AttemptOutcomeKind, ExceptionalAttempt } from './ledger-types.js';

/** A piece of the resolved prefix: a run of ok seqs, or one attempt that did not end ok. */
export type ResolvedItem = { ok: true; from: number; count: number } | { ok: false; attempt: ExceptionalAttempt };

const PENDING = 0;
const OK = 1;
const EXCEPTION = 2;

/**
 * Outcomes of one writer's attempts, which complete out of order (a pool of connections),
 * kept only from the lowest unresolved seq upwards. Memory is bounded by the span of attempts
 * in flight, whatever the duration of the run: a ring of one byte per seq, plus the details of
 * exceptional attempts not yet drained.
 */
export class OutcomeWindow {
  private states = new Uint8Array(1024);
  private readonly details = new Map<number, ExceptionalAttempt>();
  /** Lowest seq not yet drained: everything below has been handed out by `drain`. */
  private base = 0;
  /** One past the highest seq recorded. */
  private end = 0;

  /** The next seq `drain` will hand out. */
  get next(): number {
    return this.base;
  }

  /** One past the highest seq recorded so far. */
  get high(): number {
    return this.end;
  }

  /** Seqs held in memory (resolved or not) above the drained prefix. */
  get span(): number {
    return this.end - this.base;
  }

  /**
   * Records how `seq` ended. A seq already drained or already recorded keeps its first outcome:
   * an attempt ends once.
   */
  set(seq: number, outcome: AttemptOutcomeKind, detail?: Omit<ExceptionalAttempt, 'seq' | 'outcome'>): void {
    if (seq < this.base) return;
    this.ensureCapacity(seq - this.base + 1);
    const slot = seq & (this.states.length - 1);
    if (this.states[slot] !== PENDING) return;
    if (outcome === 'ok') {
      this.states[slot] = OK;
    } else {
      this.states[slot] = EXCEPTION;
      const now = Date.now();
      this.details.set(seq, { seq, outcome, errorClass: detail?.errorClass ?? 'other', dueAt: detail?.dueAt ?? now, completedAt: detail?.completedAt ?? now });
    }
    if (seq >= this.end) this.end = seq + 1;
  }

  /** Removes the resolved contiguous prefix and returns it, consecutive oks merged into runs. */
  drain(): ResolvedItem[] {
    const items: ResolvedItem[] = [];
    const mask = this.states.length - 1;
    let run: { ok: true; from: number; count: number } | undefined;
    while (this.base < this.end) {
      const slot = this.base & mask;
      const state = this.states[slot];
      if (state === PENDING) break;
      if (state === OK) {
        if (run) run.count++;
        else items.push((run = { ok: true, from: this.base, count: 1 }));
      } else {
        run = undefined;
        const attempt = this.details.get(this.base);
        this.details.delete(this.base);
        if (attempt) items.push({ ok: false, attempt });
      }
      this.states[slot] = PENDING;
      this.base++;
    }
    return items;
  }

  /** Seqs in [next, through] that have no outcome yet (in flight, or reserved and never sent). */
  pendingThrough(through: number): number[] {
    const pending: number[] = [];
    const mask = this.states.length - 1;
    for (let seq = this.base; seq <= through; seq++) {
      if (seq >= this.end || this.states[seq & mask] === PENDING) pending.push(seq);
    }
    return pending;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.states.length) return;
    let size = this.states.length;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    const oldMask = this.states.length - 1;
    for (let seq = this.base; seq < this.end; seq++) next[seq & (size - 1)] = this.states[seq & oldMask] ?? PENDING;
    this.states = next;
  }
}
