import type { WindowBatches } from '../core/types';

function pair(name: string, predicted: ArrayLike<number>, actual: ArrayLike<number>): void {
  if (predicted.length !== actual.length) {
    throw new Error(`${name}: predicted has ${predicted.length} values but actual has ${actual.length}; pass aligned arrays of the same length.`);
  }
  if (predicted.length === 0) throw new Error(`${name}: no values; pass at least one prediction.`);
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(predicted[i]) || !Number.isFinite(actual[i])) {
      throw new Error(`${name}: value at index ${i} is not finite (predicted ${predicted[i]}, actual ${actual[i]}); remove NaN/Inf first.`);
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

/** Share of predictions with |predicted − actual| / |actual| < margin (documento 000's "tasa de aciertos"). */
export function hitRate(predicted: ArrayLike<number>, actual: ArrayLike<number>, margin: number): number {
  pair('hitRate', predicted, actual);
  if (!(margin > 0)) throw new Error(`margin: ${margin} must be a positive fraction, e.g. 0.05 for 5 %.`);
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]) < margin) hits++;
  return hits / actual.length;
}

/** The default margins 2 %, 2.5 %, … 5 %. */
export const DEFAULT_MARGINS = [0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05];

/** Hit rate for each margin (documento 000: 2 % … 5 %). */
export function hitRateCurve(predicted: ArrayLike<number>, actual: ArrayLike<number>, margins: number[] = DEFAULT_MARGINS): { margins: number[]; rates: number[] } {
  return { margins: [...margins], rates: margins.map((m) => hitRate(predicted, actual, m)) };
}

/**
 * One-step persistence ("naive") forecast of a daily series: the prediction for day t is
 * the value of day t−1. Returns predictions and actual values for t ≥ max(from, 1).
 */
export function persistenceForecast(series: ArrayLike<number>, from = 1): { predicted: Float64Array; actual: Float64Array } {
  const start = Math.max(1, from);
  if (!Number.isInteger(from) || start >= series.length) throw new Error(`from: ${from} leaves no values in a series of ${series.length}; use an index below ${series.length}.`);
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
 * (targets are in original units, as in the book). Returns the MAE in original units.
 */
export function lastValueBaselineMae(data: WindowBatches, options: { feature: number; mean?: number; std?: number }): number {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
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
  return { mse: mse(predicted, actual), rmse: rmse(predicted, actual), mae: mae(predicted, actual), hit2: hitRate(predicted, actual, 0.02), hit5: hitRate(predicted, actual, 0.05), curve };
}
