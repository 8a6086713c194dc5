import { checkIndex, checkNumber, checkOptionKeys } from '../core/checks';
import type { WindowBatches } from '../core/types';

function pair(name: string, predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
  if (predicted.length !== actual.length) {
    throw new Error(
      `${name}: predicted has ${predicted.length} values but actual has ${actual.length}; pass aligned arrays of the same length.`,
    );
  }
  if (predicted.length === 0) throw new Error(`${name}: no values; pass at least one prediction.`);
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(predicted[i]) || !Number.isFinite(actual[i])) {
      throw new Error(
        `${name}: value at index ${i} is not finite (predicted ${predicted[i]}, actual ${actual[i]}); remove NaN/Inf first.`,
      );
    }
  }
}

/** Mean squared error. */
export function mse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  pair('mse', predicted, actual);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (predicted[i] - actual[i]) ** 2;
  return s / actual.length;
}

/** Root mean squared error. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  return Math.sqrt(mse(predicted, actual));
}

/** Mean absolute error. */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  pair('mae', predicted, actual);
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(predicted[i] - actual[i]);
  return s / actual.length;
}

/** Throws unless `margin` is a relative error written as a fraction in (0, 1). */
function checkMargin(margin: unknown): asserts margin is number {
  checkNumber('margin', margin, 'give a fraction, e.g. 0.05 for 5 %');
  if (!(margin > 0 && margin < 1)) {
    const fix =
      margin >= 1 ? `a margin is a fraction of the actual value: ${margin} % is ${margin / 100}` : 'e.g. 0.05 for 5 %';
    throw new Error(`margin: ${margin} is not a fraction in (0, 1); ${fix}.`);
  }
}

/**
 * Documento 000's "tasa de aciertos": the share of predictions whose relative error
 * |predicted − actual| / |actual| is strictly below `margin`, a fraction (0.05 for 5 %; the
 * document's margins are 2 % … 5 %). The document defines a hit by the relative error alone,
 * which is 0/0 for an exact prediction of an actual 0 (Melbourne has 0 °C days): that counts
 * as a hit, since the prediction is exact; any other prediction of an actual 0 has an infinite
 * relative error and is a miss. For data without an actual 0 this is exactly the relative-error
 * rule (same division, same strict comparison). For series that cross 0, prefer MAE.
 */
export function hitRate(predicted: ArrayLike<number>, actual: ArrayLike<number>, margin: number): number {
  pair('hitRate', predicted, actual);
  checkMargin(margin);
  let hits = 0;
  for (let i = 0; i < actual.length; i++) {
    const p = predicted[i];
    const a = actual[i];
    if (p === a || Math.abs(p - a) / Math.abs(a) < margin) hits++;
  }
  return hits / actual.length;
}

/** The default margins 2 %, 2.5 %, … 5 %. */
export const DEFAULT_MARGINS = [0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05];

/** Hit rate for each margin (documento 000: 2 % … 5 %). */
export function hitRateCurve(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  margins: number[] = DEFAULT_MARGINS,
): { margins: number[]; rates: number[] } {
  for (const m of margins) checkMargin(m);
  return { margins: [...margins], rates: margins.map((m) => hitRate(predicted, actual, m)) };
}

/**
 * One-step persistence ("naive") forecast of a daily series: the prediction for day t is
 * the value of day t−1. Returns predictions and actual values for t ≥ max(from, 1).
 */
export function persistenceForecast(
  series: ArrayLike<number>,
  from = 1,
): { predicted: Float64Array; actual: Float64Array } {
  checkNumber('from', from, 'give the index of the first day to forecast');
  if (!Number.isInteger(from) || from < 0) {
    const what = 'the first day to forecast; forecasts start at 1 at the earliest';
    throw new Error(`from: ${from} must be an integer index ≥ 0 (${what}).`);
  }
  const start = Math.max(1, from);
  if (start >= series.length) {
    const n = series.length;
    throw new Error(`from: ${from} leaves no values in a series of ${n}; use an index below ${n}.`);
  }
  const n = series.length - start;
  const predicted = new Float64Array(n);
  const actual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    predicted[i] = series[start + i - 1];
    actual[i] = series[start + i];
  }
  return { predicted, actual };
}

/**
 * Documento 001's common-sense baseline over windowed data: "the temperature in 24 h equals the
 * last temperature of the window". Works on standardised windows: `feature` is the
 * temperature column inside x, `mean`/`std` undo the standardisation of that column
 * (targets are in original units, as in the book). Returns the MAE in original units. Written
 * as a visible line and checked against this in notebooks/03-jena-temperatura.ipynb (`hw03-12`).
 */
export function lastValueBaselineMae(
  data: WindowBatches,
  options: { feature: number; mean?: number; std?: number },
): number {
  const name = 'lastValueBaselineMae';
  checkOptionKeys(name, options, ['feature', 'mean', 'std']);
  const has = `the windows have ${data.features} feature(s)`;
  checkIndex(`${name}: feature`, options?.feature, data.features, 'a feature index', has);
  if (data.outputs < 1) {
    throw new Error(`${name}: the windows have no targets; build them with targets (timeseriesDatasetFromArray).`);
  }
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  checkNumber('mean', mean, 'give the mean the column was centred with (scaler.mean[feature])');
  checkNumber('std', std, 'give the standard deviation the column was divided by (scaler.std[feature])');
  if (!Number.isFinite(mean)) throw new Error(`mean: ${mean} must be a finite number (scaler.mean[feature]).`);
  if (!(std > 0) || !Number.isFinite(std)) {
    const what = 'the standard deviation the column was divided by (scaler.std[feature])';
    throw new Error(`std: ${std} must be a positive number, ${what}.`);
  }
  let sum = 0;
  let count = 0;
  for (let b = 0; b < data.numBatches; b++) {
    const { x, y } = data.batch(b);
    const [n, steps, features] = x.shape;
    for (let i = 0; i < n; i++) {
      const last = x.data[(i * steps + steps - 1) * features + options.feature] * std + mean;
      sum += Math.abs(last - y.data[i * y.shape[1]]);
      count++;
    }
  }
  return sum / count;
}

/** The metrics every forecasting notebook reports, in original units. */
export interface ForecastMetrics {
  mse: number;
  rmse: number;
  mae: number;
  /** Hit rate within 2 % and 5 % relative error (documento 000). */
  hit2: number;
  hit5: number;
  /** Hit rate for margins 2 %…5 %. */
  curve: { margins: number[]; rates: number[] };
}

/** MSE, RMSE, MAE and hit rates of a forecast (see `hitRateCurve`). */
export function forecastMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>): ForecastMetrics {
  const curve = hitRateCurve(predicted, actual);
  return {
    mse: mse(predicted, actual),
    rmse: rmse(predicted, actual),
    mae: mae(predicted, actual),
    hit2: hitRate(predicted, actual, 0.02),
    hit5: hitRate(predicted, actual, 0.05),
    curve,
  };
}
