import { afterAll, describe, expect, it } from 'vitest';
import { PreciseWake } from '../../load/driver/precise-wake.js';

describe('PreciseWake', () => {
  const wake = new PreciseWake();
  afterAll(() => wake.close());

  const fired = (atPerf: number) => new Promise<number>((resolve) => wake.at(atPerf, () => resolve(performance.now())));

  it('calls back once, never before the time asked, at sub-millisecond times', async () => {
    for (const delayMs of [0.3, 1.25, 2.7]) {
      const at = performance.now() + delayMs;
      expect(await fired(at)).toBeGreaterThanOrEqual(at);
    }
  });

  it('replaces a wake-up armed before, and forgets a cancelled one', async () => {
    let first = 0;
    wake.at(performance.now() + 1, () => first++);
    const second = fired(performance.now() + 3);
    await second;
    expect(first).toBe(0);
    wake.cancel();
    let cancelled = 0;
    wake.at(performance.now() + 1, () => cancelled++);
    wake.cancel();
    await fired(performance.now() + 5);
    expect(cancelled).toBe(0);
  });

  it('falls back to the event loop if its worker dies, so the schedule never stalls', async () => {
    const other = new PreciseWake();
    // The worker is private: reach it to kill it, as a crash would.
    await (other as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const at = performance.now() + 1;
    const t = await new Promise<number>((resolve) => other.at(at, () => resolve(performance.now())));
    expect(t).toBeGreaterThanOrEqual(at);
    await other.close();
  });

  it('closes idempotently and ignores wake-ups after', async () => {
    const other = new PreciseWake();
    await other.close();
    await other.close();
    let calls = 0;
    other.at(performance.now(), () => calls++);
    await fired(performance.now() + 2);
    expect(calls).toBe(0);
  });
});
