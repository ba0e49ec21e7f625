/**
 * A first-in-first-out queue whose entries expire at their deadlines, with one timer for the
 * whole queue instead of one per entry. Entries are pushed in deadline order (deadlines are due
 * times plus a fixed timeout, and due times rise with the schedule), so the head always expires
 * first; an entry pushed out of order expires when it reaches the head. Entries that no longer
 * need expiring are dropped lazily, so at a steady rate the timer fires about once per timeout,
 * not once per attempt. Under overload tens of thousands of entries wait: every operation is O(1).
 */
export class DeadlineQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly deadlineOf: (item: T) => number,
    /** False once the entry was served or settled some other way. */
    private readonly isPending: (item: T) => boolean,
    private readonly expire: (item: T) => void,
  ) {}

  push(item: T): void {
    this.items.push(item);
    if (this.timer === undefined) this.arm();
  }

  /** The oldest pending entry, removed from the queue (it will not expire). */
  shift(): T | undefined {
    for (;;) {
      const item = this.take();
      if (item === undefined || this.isPending(item)) return item;
    }
  }

  /** Stops the timer; entries left are not expired. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private peekPending(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head] as T;
      if (this.isPending(item)) return item;
      this.take();
    }
    return undefined;
  }

  private arm(): void {
    const next = this.peekPending();
    if (next === undefined) {
      this.close();
      this.armedFor = Infinity;
      return;
    }
    const deadline = this.deadlineOf(next);
    if (this.timer !== undefined && this.armedFor <= deadline) return;
    clearTimeout(this.timer);
    this.armedFor = deadline;
    // Whole milliseconds: Node keeps one timer list per distinct duration.
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(deadline - performance.now())));
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (let next = this.peekPending(); next !== undefined && this.deadlineOf(next) <= now; next = this.peekPending()) {
      this.take();
      this.expire(next);
    }
    this.arm();
  }
}
