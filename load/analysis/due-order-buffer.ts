import type { AttemptOutcome } from '../outages.js';

/**
 * A min-heap of attempts by due time. Attempts finish out of order (a refused connection fails in
 * a millisecond, a stalled query in seconds); the analysis needs them in due order, and the heap
 * holds only the attempts younger than the ordering horizon, so memory does not grow with the run.
 */
export class DueOrderBuffer {
  private readonly heap: AttemptOutcome[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(a: AttemptOutcome): void {
    const h = this.heap;
    h.push(a);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as AttemptOutcome).dueAt <= a.dueAt) break;
      h[i] = h[parent] as AttemptOutcome;
      i = parent;
    }
    h[i] = a;
  }

  /** Removes and returns the earliest-due attempt if it was due at or before `dueAt`. */
  popThrough(dueAt: number): AttemptOutcome | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top || top.dueAt > dueAt) return undefined;
    const last = h.pop() as AttemptOutcome;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mDue = last.dueAt;
        if (l < h.length && (h[l] as AttemptOutcome).dueAt < mDue) {
          m = l;
          mDue = (h[l] as AttemptOutcome).dueAt;
        }
        if (r < h.length && (h[r] as AttemptOutcome).dueAt < mDue) m = r;
        if (m === i) break;
        h[i] = h[m] as AttemptOutcome;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
