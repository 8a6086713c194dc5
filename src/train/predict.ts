/**
 * Predictions of a trained model: by the fast engine when it supports the model (float64,
 * the same arithmetic that trained it), else by tfjs.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Array3D, InverseScaler, WindowBatches, WindowSet } from '../core/types';
import { modelWindowShape, predictRowsTfjs } from '../models/inference';
import { checkTrainData, checkWindowInputs } from '../series/shapes';
import { epochBatches } from '../series/windows';
import { engineSupport, predictFast } from './fast';

/** Predictions for `n` checked windows, by the engine when it supports the model, else by tfjs. */
function predictRows(model: tfTypes.LayersModel, x: Float64Array, n: number, shape: [number, number], resetState = true): Float64Array {
  if (engineSupport(model) === null) {
    return predictFast(model, { data: x, shape: [n, shape[0], shape[1]] });
  }
  return predictRowsTfjs(model, x, n, shape, resetState);
}

/**
 * Predictions for windows `x` (or a WindowSet), flattened (n · outputs values; for sequence
 * outputs n · steps · outputs), de-normalised with `scaler` when given. Stateful models
 * predict the windows in order in chunks of their fixed batch size, carrying the state from
 * chunk to chunk (starting from a reset state).
 */
export function predictWindows(model: tfTypes.LayersModel, x: Array3D | WindowSet, scaler?: InverseScaler): Float64Array {
  const arr = 'x' in x ? x.x : x;
  checkWindowInputs('predictWindows', arr, modelWindowShape(model));
  const [n, steps, features] = arr.shape;
  const raw = predictRows(model, arr.data, n, [steps, features]);
  return scaler ? scaler.inverseTransform(raw) : raw;
}

/**
 * Predictions for every window of a lazy source, in its batch order (epoch 0), plus the
 * targets, both de-normalised with `scaler` when given. A stateful model carries its state
 * from batch to batch (reset once at the start).
 */
export function predictBatches(model: tfTypes.LayersModel, data: WindowBatches, scaler?: InverseScaler): { predicted: Float64Array; actual: Float64Array } {
  checkTrainData('predictBatches', data, modelWindowShape(model));
  const predicted = new Float64Array(data.numWindows * data.outputs);
  const actual = new Float64Array(data.numWindows * data.outputs);
  let at = 0;
  let first = true;
  for (const b of epochBatches(data, { batchSize: data.batchSize })) {
    const p = predictRows(model, b.x, b.n, [data.sequenceLength, data.features], first);
    first = false;
    predicted.set(p, at);
    actual.set(b.y, at);
    at += b.y.length;
  }
  const p = at === predicted.length ? predicted : predicted.slice(0, at);
  const a = at === actual.length ? actual : actual.slice(0, at);
  return { predicted: scaler ? scaler.inverseTransform(p) : p, actual: scaler ? scaler.inverseTransform(a) : a };
}
