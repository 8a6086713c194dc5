import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/runtime/random';

const first = (seed: number, n = 3) => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => r());
};

describe('seededRandom', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    expect(first(42)).toEqual(first(42));
    expect(first(42)).not.toEqual(first(43));
    for (const v of first(7, 1000)) expect(v >= 0 && v < 1).toBe(true);
  });

  it('refuses a seed that is not a whole number (NaN used to give the stream of seed 0, 1.5 that of 1)', () => {
    for (const bad of [Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => seededRandom(bad)).toThrow(
        new RegExp(`^seededRandom\\(\\): seed ${bad} is not a whole number: .*another seed's numbers`),
      );
    }
    expect(() => seededRandom(undefined as unknown as number)).toThrow(/seed undefined is not a whole number/);
  });
});
