import { checkNumber, checkPositiveInt, describeValue } from '../core/checks';
import { resolveSlice } from './windows';

/** A half-open index range [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/**
 * Chronological split of n items by fractions (e.g. [0.5, 0.25, 0.25] as documento 001):
 * consecutive ranges, never shuffled. Sizes are `floor(fraction·n)` (Chollet's
 * `int(0.5 * len)`), the last range takes the remainder. Every part must get at least one row:
 * a part left empty is an error that says how many rows the fractions need.
 */
export function splitByFractions(n: number, fractions: number[]): IndexRange[] {
  checkPositiveInt('n', n, 'pass the number of rows');
  const example = 'e.g. [0.5, 0.25, 0.25]';
  if (!Array.isArray(fractions) || fractions.length === 0) {
    const what = 'must be a non-empty array of positive numbers';
    throw new Error(`fractions: ${describeValue(fractions)} ${what}, ${example}.`);
  }
  fractions.forEach((f, i) => checkNumber(`fractions[${i}]`, f, `give positive numbers, ${example}`));
  if (fractions.some((f) => !(f > 0) || !Number.isFinite(f))) {
    throw new Error(`fractions: ${describeValue(fractions)} must be positive numbers, ${example}.`);
  }
  const total = fractions.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) {
    throw new Error(`fractions: ${describeValue(fractions)} sum to ${total}, not 1; adjust them (${example}).`);
  }
  const ranges = (rows: number): IndexRange[] => {
    let start = 0;
    return fractions.map((f, i) => {
      const end = i === fractions.length - 1 ? rows : start + Math.floor(f * rows);
      const r = { start, end };
      start = end;
      return r;
    });
  };
  const out = ranges(n);
  const empty = out.findIndex((r) => r.end <= r.start);
  if (empty >= 0) {
    // the smallest row count that gives every part a row (at most max ⌈1/f⌉, see the sizes above)
    const bound = fractions.reduce((m, f) => Math.max(m, Math.ceil(1 / f)), 0);
    let need = n + 1;
    while (need < bound && ranges(need).some((r) => r.end <= r.start)) need++;
    const size = empty === fractions.length - 1 ? 'the remainder' : `floor(${fractions[empty]}·${n})`;
    throw new Error(
      `splitByFractions: with n = ${n} part ${empty} of ${describeValue(fractions)} gets no rows (${size} = 0); ` +
        `these fractions need at least ${need} rows: use more data or fewer parts.`,
    );
  }
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
  checkPositiveInt('n', n, 'pass the number of rows');
  checkNumber('nTrain', nTrain, 'pass the number of training rows');
  if (!Number.isInteger(nTrain) || nTrain <= 0 || nTrain >= n) {
    throw new Error(`nTrain: ${nTrain} must be an integer in (0, ${n}) so that both parts have data.`);
  }
  return [
    { start: 0, end: nTrain },
    { start: nTrain, end: n },
  ];
}

/** The part of an array in `range` (a range past its end is an error, not a shorter part). */
export function takeRange<T extends Float64Array | unknown[]>(values: T, range: IndexRange): T {
  const { start, end } = range ?? ({} as IndexRange);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) {
    const what = 'is not a range { start, end } with 0 ≤ start < end';
    throw new Error(`takeRange: ${describeValue(range)} ${what}; use a range from a split.`);
  }
  if (end > values.length) {
    throw new Error(
      `takeRange: the range [${start}, ${end}) goes past the ${values.length} values; ` +
        'take from the array the ranges were computed for (same length as their n).',
    );
  }
  return values.slice(start, end) as T;
}
