/**
 * A small deterministic pseudo-random generator (mulberry32) for seeding demo and synthetic
 * data: the same seed always yields the same sequence, so every embedded dataset, test and
 * benchmark sees identical records. Not for anything secret; use `node:crypto` there.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(20261124);
 * const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
 * ```
 * @category Data
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
