/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same bootstrap, so
 * a comparison re-run on the same run directories prints the same intervals.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function pick(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}
