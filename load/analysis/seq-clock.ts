/**
 * When each ledger seq was due, to within a second: the ledger keeps exact times only for
 * attempts that did not end ok, but a lost id is an ok one, and the step table needs the step in
 * which it was attempted. A writer's seqs are handed out in due order, so a sparse list of
 * (seq, due time) anchors, one a second, interpolates any seq. Bounded: 3,600 anchors an hour.
 */
export class SeqClock {
  private readonly anchors = new Map<number, [seq: number, dueAt: number][]>();
  /** Each writer's latest observation, so that the last seqs interpolate instead of extrapolating. */
  private readonly tails = new Map<number, [seq: number, dueAt: number]>();

  constructor(private readonly everyMs = 1_000) {}

  /** Notes that `seq` of `writerKey` was due at `dueAt` (epoch ms); cheap to call for every attempt. */
  observe(writerKey: number, seq: number, dueAt: number): void {
    let list = this.anchors.get(writerKey);
    if (!list) this.anchors.set(writerKey, (list = []));
    const last = list[list.length - 1];
    if (!last || (seq > last[0] && dueAt >= last[1] + this.everyMs)) list.push([seq, dueAt]);
    else if (seq > last[0] && dueAt >= last[1]) {
      const tail = this.tails.get(writerKey);
      if (tail) {
        tail[0] = seq;
        tail[1] = dueAt;
      } else this.tails.set(writerKey, [seq, dueAt]);
    }
  }

  /** A writer's anchors with its latest observation as the last one (made once, when the soak ends). */
  private points(writerKey: number): [number, number][] | undefined {
    const list = this.anchors.get(writerKey);
    const tail = this.tails.get(writerKey);
    const last = list?.[list.length - 1];
    if (list && tail && last && tail[0] > last[0]) {
      list.push([tail[0], tail[1]]);
      this.tails.delete(writerKey);
    }
    return list;
  }

  /** Adds exact anchors (a ledger's exceptional attempts, after a crash). */
  observeAll(writerKey: number, points: Iterable<{ seq: number; dueAt: number }>): void {
    const list = this.anchors.get(writerKey) ?? [];
    for (const p of points) list.push([p.seq, p.dueAt]);
    list.sort((a, b) => a[0] - b[0]);
    // Keep them monotonic in both seq and time, whatever order they came in.
    const clean: [number, number][] = [];
    for (const a of list) {
      const last = clean[clean.length - 1];
      if (!last || (a[0] > last[0] && a[1] >= last[1])) clean.push(a);
    }
    this.anchors.set(writerKey, clean);
  }

  /** The due time of a seq, interpolated between anchors; undefined when the writer has none. */
  dueAt(writerKey: number, seq: number): number | undefined {
    const list = this.points(writerKey);
    if (!list || list.length === 0) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((list[mid] as [number, number])[0] <= seq) lo = mid;
      else hi = mid - 1;
    }
    const [s0, t0] = list[lo] as [number, number];
    const next = list[lo + 1];
    if (seq <= s0 || !next) {
      // Before the first anchor or after the last: extrapolate at the neighbouring pace when there is one.
      const other = seq <= s0 ? list[1] : list[list.length - 2];
      if (!other || other[0] === s0) return t0;
      return t0 + ((seq - s0) * (other[1] - t0)) / (other[0] - s0);
    }
    const [s1, t1] = next;
    return t0 + ((seq - s0) * (t1 - t0)) / (s1 - s0);
  }

  /** Plain data for the run directory. */
  toJSON(): Record<string, [number, number][]> {
    return Object.fromEntries([...this.anchors.keys()].map((k) => [String(k), this.points(k) ?? []]));
  }

  static fromJSON(data: Record<string, [number, number][]> | undefined, everyMs?: number): SeqClock {
    const clock = new SeqClock(everyMs);
    for (const [key, list] of Object.entries(data ?? {})) clock.observeAll(Number(key), list.map(([seq, dueAt]) => ({ seq, dueAt })));
    return clock;
  }
}
