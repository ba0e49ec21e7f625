import { Worker } from 'node:worker_threads';

/** "Not before anything is armed" in the worker's published sleep time (hrtime ns). */
const NEVER = 2n ** 62n;

/**
 * The worker: sleeps on a futex until the armed time (Atomics.wait takes fractional
 * milliseconds and wakes within tens of microseconds), then wakes the main thread with a message.
 * Between wake-ups it expects the next one an interval after the last (a schedule is regular) and
 * publishes until when it sleeps, so that arming a time no earlier needs no futex wake: waking
 * it from the main thread costs a syscall, and the woken worker may preempt the main thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ctrl = new Int32Array(workerData, 0, 2);
const times = new BigInt64Array(workerData, 8, 2);
const NEVER = ${NEVER}n;
let last = 0n;
let interval = 0n;
for (;;) {
  const generation = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 1) !== 0) break;
  const at = Atomics.load(times, 0);
  const now = process.hrtime.bigint();
  if (at !== 0n && at <= now) {
    if (Atomics.compareExchange(times, 0, at, 0n) === at) {
      parentPort.postMessage(0);
      interval = last !== 0n && at > last && at - last < 50000000n ? at - last : 0n;
      last = at;
    }
    continue;
  }
  let until = at !== 0n ? at : interval !== 0n ? last + interval : NEVER;
  if (until <= now) until = NEVER;
  Atomics.store(times, 1, until);
  if (until === NEVER) Atomics.wait(ctrl, 0, generation);
  else Atomics.wait(ctrl, 0, generation, Number(until - now) / 1e6);
}
`;

/**
 * A one-shot wake-up at a `performance.now()` time with sub-millisecond precision, while the main
 * thread sleeps in the event loop. Node's timers have millisecond resolution and fire up to a
 * millisecond late, and spinning through the event loop to be on time keeps a core busy, which on
 * a machine shared with the server costs more than it saves: a busy process is the one the kernel
 * preempts, for whole time slices, whereas one woken from sleep runs at once. So a worker thread
 * sleeps on a futex until the due time and wakes the event loop with a message.
 */
export class PreciseWake {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  /** [0]: the armed time (hrtime ns, 0 for none); [1]: until when the worker sleeps. */
  private readonly times: BigInt64Array;
  /** hrtime (ns) minus performance.now() (ms → ns): both read the same monotonic clock. */
  private readonly offsetNs: bigint;
  private callback: (() => void) | undefined;
  private closed = false;
  private broken = false;
  private armedAt = 0;
  private fallback: NodeJS.Immediate | undefined;

  constructor() {
    const shared = new SharedArrayBuffer(24);
    this.ctrl = new Int32Array(shared, 0, 2);
    this.times = new BigInt64Array(shared, 8, 2);
    this.times[1] = NEVER;
    const before = performance.now();
    const hr = process.hrtime.bigint();
    this.offsetNs = hr - BigInt(Math.round(((before + performance.now()) / 2) * 1e6));
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: shared });
    this.worker.unref();
    // A message for a time replaced since is early for the new one, which gets its own message.
    this.worker.on('message', () => performance.now() >= this.armedAt && this.fire());
    // Should the worker ever die, the schedule must not stall: wake-ups fall back to the event loop.
    const lost = () => {
      if (this.closed || this.broken) return;
      this.broken = true;
      if (this.callback) this.spin();
    };
    this.worker.on('error', lost);
    this.worker.on('exit', lost);
  }

  private fire(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.();
  }

  /** Without the worker: through the event loop until the time comes (a core kept busy, as before). */
  private spin(): void {
    this.fallback = setImmediate(() => (performance.now() >= this.armedAt ? this.fire() : this.spin()));
  }

  /** Calls `callback` once at `atPerf` (a `performance.now()` time), replacing any wake-up armed before. */
  at(atPerf: number, callback: () => void): void {
    if (this.closed) return;
    this.callback = callback;
    this.armedAt = atPerf;
    if (this.broken) {
      clearImmediate(this.fallback);
      this.spin();
      return;
    }
    const at = BigInt(Math.round(atPerf * 1e6)) + this.offsetNs;
    Atomics.store(this.times, 0, at);
    // The generation changes either way, so a worker about to sleep reads the new time first.
    Atomics.add(this.ctrl, 0, 1);
    if (at < Atomics.load(this.times, 1)) Atomics.notify(this.ctrl, 0);
  }

  /** Forgets the wake-up armed, if any. */
  cancel(): void {
    this.callback = undefined;
    clearImmediate(this.fallback);
    Atomics.store(this.times, 0, 0n);
    this.bump();
  }

  /** Stops the worker; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.callback = undefined;
    clearImmediate(this.fallback);
    Atomics.store(this.ctrl, 1, 1);
    this.bump();
    await this.worker.terminate();
  }

  private bump(): void {
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
  }
}
