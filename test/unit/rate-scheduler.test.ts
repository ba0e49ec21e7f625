import { describe, expect, it } from 'vitest';
import { RateSchedule } from '../../load/driver/rate-scheduler.js';
import { backoffDelayMs } from '../../load/driver/backoff.js';

describe('RateSchedule', () => {
  it('puts attempt i at i/rate from the start without a ramp', () => {
    const s = new RateSchedule({ rate: 200 });
    expect([0, 1, 2, 199, 200].map((i) => s.dueOffsetMs(i))).toEqual([0, 5, 10, 995, 1000]);
    // No drift after many attempts: the offset is computed, not accumulated.
    expect(s.dueOffsetMs(7_200_000)).toBe(36_000_000);
  });

  it('counts the attempts due before an instant', () => {
    const s = new RateSchedule({ rate: 200 });
    expect(s.countBefore(0)).toBe(0);
    expect(s.countBefore(1000)).toBe(200);
    expect(s.countBefore(1000.001)).toBe(201);
    expect(s.countBefore(60_000)).toBe(12_000);
  });

  it('ramps linearly: the rate at time t is rate·t/ramp, then holds', () => {
    const s = new RateSchedule({ rate: 100, rampMs: 10_000 });
    // Attempts due in each second of the ramp grow linearly: 5, 15, 25 ... 95 (area of each slice).
    const perSecond = Array.from({ length: 12 }, (_, k) => s.countBefore((k + 1) * 1000) - s.countBefore(k * 1000));
    expect(perSecond).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 100, 100]);
    // The whole ramp holds rate·ramp/2 attempts; the schedule is continuous where it ends.
    expect(s.countBefore(10_000)).toBe(500);
    expect(s.dueOffsetMs(500)).toBeCloseTo(10_000, 9);
    expect(s.dueOffsetMs(501)).toBeCloseTo(10_010, 9);
    // Due times never go backwards.
    for (let i = 1; i < 2000; i++) expect(s.dueOffsetMs(i)).toBeGreaterThan(s.dueOffsetMs(i - 1));
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new RateSchedule({ rate: 0 })).toThrow(/rate/);
    expect(() => new RateSchedule({ rate: Number.NaN })).toThrow(/rate/);
    expect(() => new RateSchedule({ rate: 10, rampMs: -1 })).toThrow(/rampMs/);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the initial delay, is capped, and is jittered between half and all of it', () => {
    const lo = (n: number) => backoffDelayMs(n, { initialMs: 5, maxMs: 50 }, () => 0);
    const hi = (n: number) => backoffDelayMs(n, { initialMs: 5, maxMs: 50 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 30].map(lo)).toEqual([2.5, 5, 10, 20, 25, 25]);
    expect(hi(1)).toBeCloseTo(5, 3);
    expect(hi(100)).toBeCloseTo(50, 3);
    for (let n = 1; n < 40; n++) expect(backoffDelayMs(n)).toBeGreaterThan(0);
  });
});
