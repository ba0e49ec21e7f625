/**
 * The last `capacity` acknowledged ledger ids of this writer, oldest first, for follow-up
 * operations (status updates, reads of recent rows). Fixed memory whatever the run's length.
 */
export class RecentIds {
  private readonly ring: string[] = [];
  private next = 0;
  private snapshot: readonly string[] | undefined;

  constructor(private readonly capacity = 256) {}

  push(id: string): void {
    if (this.ring.length < this.capacity) this.ring.push(id);
    else this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.snapshot = undefined;
  }

  /** Oldest first; the same array until the next push. */
  list(): readonly string[] {
    this.snapshot ??= this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return this.snapshot;
  }
}
