/**
 * Predictions of a trained model: by the fast engine when it supports the model (float64,
 * the same arithmetic that trained it), else by tfjs.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Array3D, InverseScaler, ScaleOptions, WindowBatches, WindowSet } from '../core/types';
import { modelWindowShape, outputsPerStep, predictRowsTfjs } from '../models/inference';
import { invertOutputs } from '../series/scalers';
import { checkTrainData, checkWindowInputs } from '../series/shapes';
import { epochBatches } from '../series/windows';
import { engineSupport, predictFast } from './fast';

/**
 * Predictions for `n` checked windows: by the engine when `fast` (the caller asked
 * `engineSupport` once), else by tfjs (a stateful model's state reset first unless `resetState` is false).
 */
function predictRows(
  model: tfTypes.LayersModel,
  fast: boolean,
  x: Float64Array,
  n: number,
  shape: [number, number],
  resetState = true,
): Float64Array {
  if (fast) return predictFast(model, { data: x, shape: [n, shape[0], shape[1]] });
  return predictRowsTfjs(model, x, n, shape, resetState);
}

/**
 * Predictions for windows `x` (or a WindowSet), flattened (n · outputs values; for sequence
 * outputs n · steps · outputs), de-normalised with `scaler` when given. Stateful models
 * predict the windows in order in chunks of their fixed batch size, carrying the state from
 * chunk to chunk (starting from a reset state).
 *
 * A scaler of one feature (the documents' MinMaxScaler / FixedRangeScaler of one series)
 * maps every output. A scaler of k features needs a model with k outputs per step, or
 * `{ feature: j }` naming the column the targets were scaled as — e.g. targets standardised
 * with Jena's 14-column scaler: `predictWindows(model, w, scaler, { feature: JENA_COLUMNS.indexOf("T (degC)") })`.
 */
export function predictWindows(
  model: tfTypes.LayersModel,
  x: Array3D | WindowSet,
  scaler?: InverseScaler,
  options: ScaleOptions = {},
): Float64Array {
  const arr = 'x' in x ? x.x : x;
  checkWindowInputs('predictWindows', arr, modelWindowShape(model));
  const [n, steps, features] = arr.shape;
  const raw = predictRows(model, engineSupport(model) === null, arr.data, n, [steps, features]);
  return scaler ? invertOutputs('predictWindows', scaler, raw, outputsPerStep(model), options) : raw;
}

/**
 * Predictions for every window of a lazy source, in its batch order (epoch 0), plus the
 * targets, both de-normalised with `scaler` when given (pass it only when the targets were
 * normalised with it too; documento 001's Jena targets are in °C already, so no scaler).
 * `options.feature` as in `predictWindows`. A stateful model carries its state from batch to
 * batch (reset once at the start).
 */
export function predictBatches(
  model: tfTypes.LayersModel,
  data: WindowBatches,
  scaler?: InverseScaler,
  options: ScaleOptions = {},
): { predicted: Float64Array; actual: Float64Array } {
  checkTrainData('predictBatches', data, modelWindowShape(model));
  const predicted = new Float64Array(data.numWindows * data.outputs);
  const actual = new Float64Array(data.numWindows * data.outputs);
  let at = 0;
  let first = true;
  const fast = engineSupport(model) === null; // once, not for every batch
  for (const b of epochBatches(data, { batchSize: data.batchSize })) {
    const p = predictRows(model, fast, b.x, b.n, [data.sequenceLength, data.features], first);
    first = false;
    predicted.set(p, at);
    actual.set(b.y, at);
    at += b.y.length;
  }
  const p = at === predicted.length ? predicted : predicted.slice(0, at);
  const a = at === actual.length ? actual : actual.slice(0, at);
  if (!scaler) return { predicted: p, actual: a };
  const perStep = outputsPerStep(model);
  return {
    predicted: invertOutputs('predictBatches', scaler, p, perStep, options),
    actual: invertOutputs('predictBatches', scaler, a, perStep, options),
  };
}
