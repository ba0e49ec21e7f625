/**
 * The lowest `cap` seqs of a set that arrives in any order as ranges, in bounded memory: ranges
 * are kept until there are twice the cap, then sorted and cut back to the lowest `cap` seqs.
 */
export class CappedSeqs {
  private ranges: [number, number][] = [];
  private held = 0;

  constructor(private readonly cap: number) {}

  /** Adds the seqs [from, to]. */
  add(from: number, to: number): void {
    if (this.cap <= 0 || to < from) return;
    this.ranges.push([from, to]);
    this.held += to - from + 1;
    if (this.held >= 2 * this.cap && this.ranges.length > 1) this.prune();
  }

  /** The lowest `cap` seqs, ascending. */
  list(): number[] {
    this.prune();
    const out: number[] = [];
    for (const [from, to] of this.ranges) for (let s = from; s <= to && out.length < this.cap; s++) out.push(s);
    return out;
  }

  private prune(): void {
    this.ranges.sort((a, b) => a[0] - b[0]);
    const kept: [number, number][] = [];
    let held = 0;
    for (const [from, to] of this.ranges) {
      if (held >= this.cap) break;
      const take = Math.min(to, from + (this.cap - held) - 1);
      kept.push([from, take]);
      held += take - from + 1;
    }
    this.ranges = kept;
    this.held = held;
  }
}
