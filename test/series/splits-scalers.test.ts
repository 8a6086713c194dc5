import { describe, expect, it, vi } from 'vitest';
import {
  FixedRangeScaler,
  MinMaxScaler,
  StandardScaler,
  splitByFractions,
  splitByRanges,
  splitFirstN,
  takeRange,
} from '../../src';

describe('chronological splits', () => {
  it('splits 50/25/25 as int(0.5·n) like Chollet', () => {
    expect(splitByFractions(420451, [0.5, 0.25, 0.25])).toEqual([
      { start: 0, end: 210225 },
      { start: 210225, end: 315337 },
      { start: 315337, end: 420451 },
    ]);
  });
  it("reproduces documento 004's overlapping ranges", () => {
    expect(
      splitByRanges(3650, [
        [undefined, 2000],
        [1500, 2000],
        [2000, undefined],
      ]),
    ).toEqual([
      { start: 0, end: 2000 },
      { start: 1500, end: 2000 },
      { start: 2000, end: 3650 },
    ]);
  });
  it('takes the first N for training', () => {
    expect(splitFirstN(10, 8)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 10 },
    ]);
  });
  it('rejects fractions that do not sum to 1 and empty ranges', () => {
    expect(() => splitByFractions(10, [0.5, 0.4])).toThrow(/sum to 0.9, not 1/);
    expect(() => splitByRanges(10, [[5, 5]])).toThrow(/empty/);
    expect(() => splitFirstN(10, 10)).toThrow(/nTrain: 10/);
  });
  it('refuses a split that leaves a part empty, and strings or fractional indices, naming them', () => {
    expect(() => splitByFractions(2, [0.5, 0.25, 0.25])).toThrow(
      /splitByFractions: with n = 2 part 1 of \[0.5, 0.25, 0.25\] gets no rows \(floor\(0.25·2\) = 0\);.*least 4 rows/,
    );
    expect(() => splitByFractions(3, [0.5, 0.5])).not.toThrow();
    expect(() => splitByFractions(10, ['0.5', '0.5'] as unknown as number[])).toThrow(
      /fractions\[0\]: "0.5" is a string, not a number; write 0.5 without quotes/,
    );
    expect(() => splitByFractions('10' as unknown as number, [1])).toThrow(/n: "10" is a string, not a number/);
    expect(() => splitByRanges(10, [[1.5, 5]])).toThrow(/splitByRanges: from = 1.5 is not an integer index/);
    expect(() => splitFirstN(10, '8' as unknown as number)).toThrow(/nTrain: "8" is a string, not a number/);
    expect(() => takeRange(Float64Array.from([1, 2, 3]), { start: 1, end: 5 })).toThrow(
      /takeRange: the range \[1, 5\) goes past the 3 values; take from the array the ranges were computed for/,
    );
    expect(Array.from(takeRange(Float64Array.from([1, 2, 3]), { start: 1, end: 3 }))).toEqual([2, 3]);
  });
});

describe('scalers', () => {
  const train = Float64Array.from([2, 4, 6, 10]);
  it('MinMaxScaler maps the training range onto featureRange and round-trips', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).fit(train);
    expect(Array.from(s.transform(train))).toEqual([-1, -0.5, 0, 1]);
    const other = Float64Array.from([3.3, 12.1, -4]);
    const back = s.inverseTransform(s.transform(other));
    other.forEach((v, i) => expect(back[i]).toBeCloseTo(v, 9));
  });
  it('StandardScaler uses the population std (numpy/sklearn)', () => {
    const s = new StandardScaler().fit(train);
    expect(s.mean![0]).toBe(5.5);
    expect(s.std![0]).toBeCloseTo(Math.sqrt(8.75), 12);
    const z = s.transform(train);
    expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });
  it('handles several features column by column', () => {
    const s = new MinMaxScaler({ features: 2 }).fit(Float64Array.from([0, 10, 1, 20, 2, 30]));
    expect(Array.from(s.transform(Float64Array.from([1, 20])))).toEqual([0.5, 0.5]);
  });
  it('refuses values that are not whole rows of the fitted features (they would mix the scales)', () => {
    const s = new MinMaxScaler({ features: 2 }).fit(Float64Array.from([0, 10, 1, 20, 2, 30]));
    const three = Float64Array.from([1, 20, 1]);
    expect(() => s.inverseTransform(three)).toThrow(
      /MinMaxScaler\.inverseTransform: 3 values are not rows of the 2 features the scaler was fitted on;.*feature: k/,
    );
    expect(() => s.transform(three)).toThrow(/MinMaxScaler\.transform: 3 values are not rows of the 2 features/);
    const z = new StandardScaler({ features: 3 }).fit(Float64Array.from([0, 0, 0, 2, 4, 6]));
    expect(() => z.inverseTransform(Float64Array.from([1, 1]))).toThrow(
      /StandardScaler\.inverseTransform: 2 values are not rows of the 3 features/,
    );
  });
  it('maps the values of one feature of a multi-feature scaler when asked explicitly ({ feature: k })', () => {
    const s = new MinMaxScaler({ features: 2 }).fit(Float64Array.from([0, 10, 1, 20, 2, 30]));
    expect(s.features).toBe(2);
    // feature 1 spans 10 … 30: 0 → 10, 0.5 → 20, 1 → 30, whatever the count of values
    expect(Array.from(s.inverseTransform(Float64Array.from([0, 0.5, 1]), { feature: 1 }))).toEqual([10, 20, 30]);
    expect(Array.from(s.transform(Float64Array.from([10, 20, 30, 40]), { feature: 1 }))).toEqual([0, 0.5, 1, 1.5]);
    expect(Array.from(s.inverseTransform(Float64Array.from([0.5]), { feature: 0 }))).toEqual([1]);
    expect(() => s.inverseTransform(Float64Array.from([0.5]), { feature: 2 })).toThrow(
      /MinMaxScaler\.inverseTransform: feature: 2 is not a feature index in \[0, 2\); the scaler has 2 feature\(s\)/,
    );
    expect(() => s.inverseTransform(Float64Array.from([0.5]), { feature: '1' as unknown as number })).toThrow(
      /feature: "1" is a string, not a number; write 1 without quotes/,
    );
    const f = new FixedRangeScaler({ min: 0, max: 15 });
    expect(f.features).toBe(1);
    expect(Array.from(f.inverseTransform(Float64Array.from([0]), { feature: 0 }))).toEqual([7.5]);
    expect(() => f.inverseTransform(Float64Array.from([0]), { feature: 1 })).toThrow(
      /FixedRangeScaler\.inverseTransform: feature: 1 is not a feature index in \[0, 1\)/,
    );
  });
  it('FixedRangeScaler maps 0…15 € to [-1, 1] and reports values outside without clipping', () => {
    const s = new FixedRangeScaler({ min: 0, max: 15 });
    expect(Array.from(s.transform(Float64Array.from([0, 7.5, 15])))).toEqual([-1, 0, 1]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const out = s.transform(Float64Array.from([16.5, 3]));
    expect(out[0]).toBeCloseTo(1.2, 12);
    expect(s.outOfRange).toEqual({ count: 1, lowest: 16.5, highest: 16.5 });
    expect(warn.mock.calls[0][0]).toMatch(/1 value\(s\) outside \[0, 15\]/);
    warn.mockRestore();
    expect(s.inverseTransform(out)[0]).toBeCloseTo(16.5, 9);
  });
  it("fits on a training split of Jena's size (210,225 rows × 14 features; Math.min(...column) overflowed the stack)", () => {
    const rows = 210225;
    const features = 14;
    const table = new Float64Array(rows * features);
    for (let i = 0; i < rows; i++)
      for (let f = 0; f < features; f++) table[i * features + f] = Math.sin(i / 1000 + f) * (f + 1) + f;
    const column = (f: number) => Array.from({ length: rows }, (_, i) => table[i * features + f]);
    const s = new MinMaxScaler({ features }).fit(table);
    for (const f of [0, 5, 13]) {
      expect(s.dataMin![f]).toBe(column(f).reduce((a, b) => Math.min(a, b)));
      expect(s.dataMax![f]).toBe(column(f).reduce((a, b) => Math.max(a, b)));
    }
    const one = new MinMaxScaler().fit(Float64Array.from({ length: 130000 }, (_, i) => (i % 977) - 300));
    expect([one.dataMin![0], one.dataMax![0]]).toEqual([-300, 676]);
    const z = new StandardScaler({ features }).fit(table);
    expect(z.mean![13]).toBeCloseTo(column(13).reduce((a, b) => a + b) / rows, 9);
  });
  it('refuses to transform before fit and bad input', () => {
    expect(() => new MinMaxScaler().transform(train)).toThrow(/call fit\(trainingValues\) first/);
    expect(() => new StandardScaler().fit(new Float64Array(0))).toThrow(/values is empty/);
    expect(() => new MinMaxScaler().fit(Float64Array.from([1, Infinity]))).toThrow(/index 1 is Infinity/);
    expect(() => new FixedRangeScaler({ min: 5, max: 5 })).toThrow(/max \(5\) must be greater than min \(5\)/);
  });
  it('refuses a mistyped option (features: 14 written feature: 14 would fit one scale over all columns)', () => {
    expect(() => new StandardScaler({ feature: 14 } as never)).toThrow(
      /StandardScaler: unknown option "feature"; did you mean "features"\?/,
    );
    expect(() => new MinMaxScaler({ range: [0, 1] } as never)).toThrow(
      /MinMaxScaler: unknown option "range"; the options are featureRange, features/,
    );
    expect(() => new FixedRangeScaler({ min: 0, max: 15, feature_range: [0, 1] } as never)).toThrow(
      /did you mean "featureRange"\?/,
    );
    const s = new MinMaxScaler({ features: 2 }).fit(Float64Array.from([0, 10, 1, 20]));
    expect(() => s.inverseTransform(Float64Array.from([1]), { features: 1 } as never)).toThrow(
      /MinMaxScaler\.inverseTransform: unknown option "features"; did you mean "feature"\?/,
    );
  });
  it('lets no NaN through after fit, and refuses an empty or non-numeric featureRange', () => {
    const s = new MinMaxScaler().fit(train);
    expect(() => s.transform(Float64Array.from([1, NaN]))).toThrow(
      /MinMaxScaler\.transform: value at index 1 is NaN; fill or drop missing values first/,
    );
    expect(() => s.inverseTransform(Float64Array.from([NaN]))).toThrow(
      /MinMaxScaler\.inverseTransform: value at index 0 is NaN; .*diverged/,
    );
    const f = new FixedRangeScaler({ min: 0, max: 15 });
    expect(() => f.inverseTransform(Float64Array.from([0, Infinity]))).toThrow(
      /FixedRangeScaler\.inverseTransform: value at index 1 is Infinity/,
    );
    expect(() => new FixedRangeScaler({ min: 0, max: 15, featureRange: [1, 1] })).toThrow(
      /featureRange: \[1, 1\] must be \[low, high\] with low < high, e\.g\. \[-1, 1\]/,
    );
    expect(() => new FixedRangeScaler({ min: '0' as unknown as number, max: 15 })).toThrow(
      /min: "0" is a string, not a number; write 0/,
    );
    expect(() => new MinMaxScaler({ featureRange: ['0', '1'] as unknown as [number, number] })).toThrow(
      /featureRange\[0\]: "0" is a string, not a number/,
    );
    expect(() => new MinMaxScaler({ featureRange: [0, Infinity] })).toThrow(
      /featureRange: \[0, Infinity\] must be \[low, high\]/,
    );
    expect(() => new StandardScaler({ features: '14' as unknown as number })).toThrow(
      /features: "14" is a string, not a number/,
    );
  });
});
