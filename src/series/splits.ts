import { resolveSlice } from './windows';

/** A half-open index range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/**
 * Chronological split of n items by fractions (e.g. [0.5, 0.25, 0.25] as documento 001):
 * consecutive ranges, never shuffled. Sizes are `floor(fraction·n)` (Chollet's
 * `int(0.5 * len)`), the last range takes the remainder.
 */
export function splitByFractions(n: number, fractions: number[]): IndexRange[] {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`n: ${n} is not a positive integer; pass the number of rows.`);
  if (fractions.length === 0 || fractions.some((f) => !(f > 0))) throw new Error(`fractions: ${JSON.stringify(fractions)} must be positive numbers, e.g. [0.5, 0.25, 0.25].`);
  const total = fractions.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`fractions: ${JSON.stringify(fractions)} sum to ${total}, not 1; adjust them (e.g. [0.5, 0.25, 0.25]).`);
  const out: IndexRange[] = [];
  let start = 0;
  fractions.forEach((f, i) => {
    const end = i === fractions.length - 1 ? n : start + Math.floor(f * n);
    out.push({ start, end });
    start = end;
  });
  return out;
}

/**
 * Ranges written as Python slices, e.g. documento 004's `[:2000]`, `[1500:2000]`, `[2000:]`
 * → `splitByRanges(n, [[undefined, 2000], [1500, 2000], [2000, undefined]])`. Ranges may
 * overlap (documento 004's validation lies inside its training range).
 */
export function splitByRanges(n: number, ranges: Array<[number | undefined, number | undefined]>): IndexRange[] {
  return ranges.map(([a, b]) => {
    const [start, end] = resolveSlice(n, a, b, 'splitByRanges');
    return { start, end };
  });
}

/** The first `nTrain` items for training and the rest for test (documento 000). */
export function splitFirstN(n: number, nTrain: number): [IndexRange, IndexRange] {
  if (!Number.isInteger(nTrain) || nTrain <= 0 || nTrain >= n) throw new Error(`nTrain: ${nTrain} must be an integer in (0, ${n}) so that both parts have data.`);
  return [{ start: 0, end: nTrain }, { start: nTrain, end: n }];
}

/** The part of an array in `range`. */
export function takeRange<T extends Float64Array | unknown[]>(values: T, range: IndexRange): T {
  return values.slice(range.start, range.end) as T;
}
