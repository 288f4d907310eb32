/**
 * A small seeded pseudo-random generator (mulberry32) so traffic runs are reproducible.
 *
 * @module
 */

/** A seeded random source. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** A bigint in [min, max] (inclusive). */
  bigint(min: bigint, max: bigint): bigint;
  /** Shuffles `items` in place and returns it. */
  shuffle<T>(items: T[]): T[];
}

/**
 * A mulberry32 generator seeded with `seed` (any integer; only its low 32 bits count).
 *
 * @example
 * const rng = prng(42);
 * rng.int(1, 6); // the same sequence for the same seed
 */
export function prng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bigint = (min: bigint, max: bigint): bigint => {
    if (max <= min) return min;
    const span = max - min + 1n;
    // 48 random bits per step, extra bits keep the modulo bias negligible
    let r = 0n;
    for (let bits = 0n; (1n << bits) < span * 1024n; bits += 48n) {
      r = (r << 48n) | BigInt(Math.floor(next() * 2 ** 48));
    }
    return min + (r % span);
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(0, i);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  return { next, int, bigint, shuffle };
}
