/**
 * Seeded uniform random numbers in [0, 1) (mulberry32): data generators and shuffling.
 * `seed` is a whole number (taken modulo 2³²); NaN, ±Infinity or a fraction is refused, as
 * they would silently give the numbers of another seed (NaN those of 0, 1.5 those of 1).
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) {
    throw new Error(
      `seededRandom(): seed ${String(seed)} is not a whole number: use an integer such as 42 ` +
        "(NaN, Infinity or a fraction would silently give another seed's numbers).",
    );
  }
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
