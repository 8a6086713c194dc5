import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acf,
  describeSeries,
  hitRate,
  hitRateCurve,
  lastValueBaselineMae,
  loadDataset,
  mae,
  missingCounts,
  mse,
  pacf,
  persistenceForecast,
  rmse,
  timeseriesDatasetFromArray,
} from '../../src';
import { realDataDir } from '../support/data';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'melbourne-stats.json'), 'utf8'));

function expectClose(a: ArrayLike<number>, b: number[], tol: number) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

describe('error metrics', () => {
  it('computes mse, rmse, mae', () => {
    const p = [1, 2, 3];
    const a = [1, 4, 0];
    expect(mse(p, a)).toBeCloseTo(13 / 3, 12);
    expect(rmse(p, a)).toBeCloseTo(Math.sqrt(13 / 3), 12);
    expect(mae(p, a)).toBeCloseTo(5 / 3, 12);
  });
  it('counts hits within a relative margin (strictly below)', () => {
    const actual = [10, 10, 10, 10];
    const predicted = [10.1, 10.28, 10.47, 9.62]; // relative errors 1 %, 2.8 %, 4.7 %, 3.8 %
    expect(hitRate(predicted, actual, 0.02)).toBe(0.25);
    expect(hitRate(predicted, actual, 0.05)).toBe(1);
    const curve = hitRateCurve(predicted, actual);
    expect(curve.margins[0]).toBe(0.02);
    expect(curve.margins[curve.margins.length - 1]).toBe(0.05);
    expect(curve.rates).toEqual([0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1]);
  });
  it('counts an exact prediction as a hit, also 0 for 0 (Melbourne has 0 °C days); others of 0 miss', () => {
    // relative error |p − a| / |a| is 0/0 for p = a = 0: an exact hit; for a = 0 and p ≠ 0 it is infinite
    expect(hitRate([0, 10.1, 0.001, -5.05], [0, 10, 0, -5], 0.02)).toBe(0.75);
    expect(hitRateCurve([0, 0.5], [0, 0], [0.02, 0.05]).rates).toEqual([0.5, 0.5]);
    // data without exact zeros: the same counts as before (strictly below the margin, by division)
    const actual = [12.31, 9.87, 10.02, 11.5];
    const predicted = [12.31 * 1.0199, 9.87 * 0.971, 10.02 * 1.021, 11.5];
    expect(hitRateCurve(predicted, actual, [0.02, 0.03]).rates).toEqual([0.5, 1]);
  });
  it('refuses a margin given as a percent or as a string, saying how to write it', () => {
    expect(() => hitRate([1], [1], 5)).toThrow(/margin: 5 is not a fraction in \(0, 1\); .*5 % is 0\.05/);
    expect(() => hitRate([1], [1], 1)).toThrow(/margin: 1 is not a fraction in \(0, 1\)/);
    expect(() => hitRateCurve([1], [1], [0.02, 2.5])).toThrow(
      /margin: 2.5 is not a fraction in \(0, 1\); .*2.5 % is 0\.025/,
    );
    expect(() => hitRate([1], [1], '0.05' as unknown as number)).toThrow(
      /margin: "0.05" is a string, not a number; write 0.05/,
    );
  });
  it('names a bad feature of the last-value baseline and a negative start of the persistence forecast', () => {
    const series = Float64Array.from({ length: 30 }, (_, i) => i);
    const ds = timeseriesDatasetFromArray(series, series.subarray(5), { sequenceLength: 5, batchSize: 4 });
    expect(() => lastValueBaselineMae(ds, { feature: 1 })).toThrow(
      /lastValueBaselineMae: feature: 1 is not a feature index in \[0, 1\); the windows have 1 feature\(s\)/,
    );
    expect(() => lastValueBaselineMae(ds, { feature: 0, std: 0 })).toThrow(/std: 0 must be a positive number/);
    expect(() => lastValueBaselineMae(ds, { feature: 0, sd: 2 } as never)).toThrow(
      /lastValueBaselineMae: unknown option "sd"; did you mean "std"\?/,
    );
    expect(() => persistenceForecast(series, -5)).toThrow(/from: -5 must be an integer index ≥ 0/);
    expect(persistenceForecast(series, 0).predicted[0]).toBe(0);
  });
  it('rejects mismatched lengths and NaN', () => {
    expect(() => mse([1], [1, 2])).toThrow(/predicted has 1 values but actual has 2/);
    expect(() => mae([NaN], [1])).toThrow(/index 0 is not finite/);
    expect(() => hitRate([1], [1], 0)).toThrow(/margin: 0/);
  });
  it('computes the last-value baseline over windows in original units', () => {
    const series = Float64Array.from({ length: 30 }, (_, i) => i);
    const z = series.map((v) => (v - 10) / 2);
    const ds = timeseriesDatasetFromArray(z, series.subarray(5), { sequenceLength: 5, batchSize: 4 });
    // last value of window i is i+4, target is i+5: error 1 everywhere
    expect(lastValueBaselineMae(ds, { feature: 0, mean: 10, std: 2 })).toBeCloseTo(1, 12);
  });
});

describe('statistics against pandas/statsmodels (fixture from scripts/reference)', () => {
  it.skipIf(!realDataDir)('Melbourne: describe, ACF 365, PACF 30 (ywadjusted, ywm) to 1e-6, persistence', async () => {
    const d = await loadDataset('melbourne', { dataDir: realDataDir });
    const x = d.column('Temp');
    const desc = describeSeries(x);
    for (const k of ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const)
      expect(desc[k]).toBeCloseTo(fixture.describe[k], 9);
    const a = acf(x, 365);
    expectClose(a.values, fixture.acf.values, 1e-6);
    expectClose(a.lower, fixture.acf.lower, 1e-6);
    expectClose(a.upper, fixture.acf.upper, 1e-6);
    for (const method of ['ywadjusted', 'ywm'] as const) {
      const p = pacf(x, 30, method);
      const ref = fixture[`pacf_${method}`];
      expectClose(p.values, ref.values, 1e-6);
      expectClose(p.lower, ref.lower, 1e-6);
      expectClose(p.upper, ref.upper, 1e-6);
    }
    const { predicted, actual } = persistenceForecast(x, 2500);
    expect(mae(predicted, actual)).toBeCloseTo(2.011, 3);
    expect(mse(predicted, actual)).toBeCloseTo(6.678, 3);
    expect(mae(predicted, actual)).toBeCloseTo(fixture.persistence_from_2500.mae, 10);
  });
  it('counts missing values per column', () => {
    expect(missingCounts({ a: [1, NaN, 3], b: [null, Infinity, 1] })).toEqual({ a: 1, b: 2 });
  });
  it('rejects too many lags and NaN', () => {
    expect(() => acf([1, 2, 3], 5)).toThrow(/3 values are too few for 5 lags/);
    expect(() => pacf([1, NaN, 3, 4], 1)).toThrow(/index 1 is NaN/);
    expect(() => pacf([1, 2, 3, 4], 1, 'ols' as never)).toThrow(/method: "ols"/);
    expect(() => acf([1, 2, 3], '2' as unknown as number)).toThrow(
      /nlags: "2" is a string, not a number; write 2 without quotes/,
    );
  });
  it('says why a constant series has no correlogram', () => {
    expect(() => acf([3, 3, 3, 3], 1)).toThrow(
      /acf: the series is constant \(every value is 3\), so its autocorrelation is undefined \(0\/0\)/,
    );
    expect(() => pacf(new Float64Array(10).fill(-1.5), 2)).toThrow(
      /pacf: the series is constant \(every value is -1.5\)/,
    );
  });
  it('limits pacf to lags below half the series, as statsmodels 0.13 (beyond, estimates leave [-1, 1])', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i) + 0.1 * i);
    expect(() => pacf(x, 19)).toThrow(
      /pacf: nlags = 19 needs at least 40 values \(lags below half the series, as statsmodels\); .*use nlags ≤ 9/,
    );
    expect(() => pacf(x, 10)).toThrow(/nlags = 10 needs at least 22 values/);
    const p = pacf(x, 9);
    expect(p.values).toHaveLength(10);
    for (const v of p.values) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(acf(x, 19).values).toHaveLength(20); // acf has no such limit (statsmodels neither)
  });
});
