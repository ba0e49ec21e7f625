const LOW = 0xffff_ffffn;

/**
 * Every seq of a set that arrives as ranges in any order, uncapped: a 24-hour soak may lose
 * millions of ids, and the file that names them must name each one. A range takes 8 bytes (one
 * `BigUint64Array` slot, `from << 32 | to`), and a run of lost ids is one range, so the set costs
 * what its shape costs, not what its size does. Read back ascending, touching ranges merged.
 */
export class SeqRanges {
  private slots = new BigUint64Array(16);
  private used = 0;
  /** True while the slots in use are ascending and none touches the next. */
  private tidy = true;
  private count = 0;

  /** How many distinct seqs the set holds. */
  get size(): number {
    this.normalise();
    return this.count;
  }

  /** Adds the seqs [from, to] (0 ≤ from ≤ to < 2^32). */
  add(from: number, to: number): void {
    if (to < from) return;
    if (this.used === this.slots.length) this.grow();
    const last = this.used > 0 ? (this.slots[this.used - 1] as bigint) : undefined;
    const lastTo = last === undefined ? -2 : Number(last & LOW);
    this.count += to - from + 1;
    // Ranges mostly come in ascending runs: extend the last one in place when they touch.
    if (last !== undefined && lastTo + 1 === from) {
      this.slots[this.used - 1] = (last & ~LOW) | BigInt(to);
      return;
    }
    if (from <= lastTo) this.tidy = false;
    this.slots[this.used++] = (BigInt(from) << 32n) | BigInt(to);
  }

  /** The ranges [from, to], ascending, none touching another. */
  *ranges(): Generator<[number, number]> {
    this.normalise();
    for (let i = 0; i < this.used; i++) {
      const slot = this.slots[i] as bigint;
      yield [Number(slot >> 32n), Number(slot & LOW)];
    }
  }

  /** Sorts and merges in place (overlaps counted once). */
  private normalise(): void {
    if (this.tidy) return;
    this.slots.subarray(0, this.used).sort();
    let out = 0;
    let count = 0;
    for (let i = 0; i < this.used; i++) {
      const slot = this.slots[i] as bigint;
      const from = Number(slot >> 32n);
      const to = Number(slot & LOW);
      const prev = out > 0 ? (this.slots[out - 1] as bigint) : undefined;
      const prevTo = prev === undefined ? -2 : Number(prev & LOW);
      if (prev !== undefined && from <= prevTo + 1) {
        if (to > prevTo) {
          this.slots[out - 1] = (prev & ~LOW) | BigInt(to);
          count += to - prevTo;
        }
      } else {
        this.slots[out++] = slot;
        count += to - from + 1;
      }
    }
    this.used = out;
    this.count = count;
    this.tidy = true;
  }

  /** Room for one more range: merging first, since many small out-of-order ranges often touch. */
  private grow(): void {
    this.normalise();
    if (this.used > this.slots.length / 2) {
      const bigger = new BigUint64Array(this.slots.length * 2);
      bigger.set(this.slots.subarray(0, this.used));
      this.slots = bigger;
    }
  }
}
