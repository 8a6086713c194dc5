import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { engineSupport, predictFast } from '../engine/fit';
import { epochBatches } from '../series/windows';
import type { Array3D, WindowBatches, WindowSet } from '../types';

/** Anything with `inverseTransform` (the scalers of src/series). */
export interface InverseScaler {
  inverseTransform(values: Float64Array): Float64Array;
}

/** The fixed batch size of a stateful model (`stateful: true` + `batchSize`), else null. */
export function fixedBatchSize(model: tfTypes.LayersModel): number | null {
  if (!model.stateful) return null;
  const b = (model.inputs[0].shape as Array<number | null>)[0];
  return typeof b === 'number' ? b : null;
}

/**
 * tfjs predictions for `n` flat windows of shape `shape`, in row order. A stateful model
 * (fixed batch size B) is fed consecutive chunks of B windows — the last one padded with
 * zero windows whose outputs are dropped — so each chunk starts from the state the
 * previous one ended with, as Keras' `predict(x, batch_size=B)`; its state is reset first unless `resetState` is false.
 */
export function predictRowsTfjs(model: tfTypes.LayersModel, x: Float64Array, n: number, shape: number[], resetState = true): Float64Array {
  const fixed = fixedBatchSize(model);
  const per = shape.reduce((a, b) => a * b, 1);
  let rows = n;
  let data = x;
  if (fixed !== null) {
    rows = Math.ceil(n / fixed) * fixed;
    if (rows !== n) {
      data = new Float64Array(rows * per);
      data.set(x.subarray(0, n * per));
    }
    if (resetState) model.resetStates();
  }
  if (rows === 0) return new Float64Array(0);
  const input = tf.tensor(Float32Array.from(data.subarray(0, rows * per)), [rows, ...shape]);
  const out = model.predict(input, { batchSize: fixed ?? 256 }) as tfTypes.Tensor;
  const all = out.dataSync();
  const values = Float64Array.from(all.subarray(0, (all.length / rows) * n));
  tf.dispose([input, out]);
  return values;
}

/** Predictions by the fused engine when it supports the model (float64, faster), else by tfjs. */
function predictRaw(model: tfTypes.LayersModel, x: Float64Array, n: number, shape: number[], resetState = true): Float64Array {
  if (engineSupport(model, { epochs: 1, batchSize: 1 }) === null) {
    return predictFast(model, { data: x, shape: [n, shape[0], shape[1]] });
  }
  return predictRowsTfjs(model, x, n, shape, resetState);
}

/** The model's input shape per window, `[steps, features]`. */
export function windowShape(model: tfTypes.LayersModel): [number, number] {
  const s = (model.inputs[0].shape as Array<number | null>).slice(1);
  return [s[0] as number, s[1] as number];
}

/** Throws a descriptive error when windows of shape `[n, steps, features]` do not fit `model`. */
export function checkWindowShape(fn: string, model: tfTypes.LayersModel, shape: readonly number[]): void {
  const [steps, features] = windowShape(model);
  if (shape.length !== 3 || shape[1] !== steps || shape[2] !== features) {
    throw new Error(
      `${fn}: windows of shape [${shape.join(', ')}] do not fit the model's input [batch, ${steps}, ${features}]; ` +
        `build the windows with ${steps} steps and ${features} feature(s) or rebuild the model.`,
    );
  }
}

/**
 * Predictions for windows `x` (or a WindowSet), flattened (n · outputs values; for
 * sequence outputs n · steps · outputs), de-normalised with `scaler` when given.
 * Stateful models predict the windows in order in chunks of their fixed batch size,
 * carrying the state from chunk to chunk (starting from a reset state).
 */
export function predictWindows(model: tfTypes.LayersModel, x: Array3D | WindowSet, scaler?: InverseScaler): Float64Array {
  const arr = 'x' in x ? x.x : x;
  checkWindowShape('predictWindows', model, arr.shape);
  const [n, steps, features] = arr.shape;
  const raw = predictRaw(model, arr.data, n, [steps, features]);
  return scaler ? scaler.inverseTransform(raw) : raw;
}

/**
 * Predictions for every window of a lazy source, in its batch order (epoch 0), plus the
 * targets, both de-normalised with `scaler` when given. A stateful model carries its state
 * from batch to batch (reset once at the start).
 */
export function predictBatches(model: tfTypes.LayersModel, data: WindowBatches, scaler?: InverseScaler): { predicted: Float64Array; actual: Float64Array } {
  checkWindowShape('predictBatches', model, [data.batchSize, data.sequenceLength, data.features]);
  const predicted = new Float64Array(data.numWindows * data.outputs);
  const actual = new Float64Array(data.numWindows * data.outputs);
  let at = 0;
  let first = true;
  for (const b of epochBatches(data, { batchSize: data.batchSize })) {
    const p = predictRaw(model, b.x, b.n, [data.sequenceLength, data.features], first);
    first = false;
    if (p.length !== b.y.length) {
      throw new Error(`predictBatches: the model gives ${p.length / b.n} output(s) per window but the source has ${data.outputs} target(s); rebuild the model with outputUnits: ${data.outputs}.`);
    }
    predicted.set(p, at);
    actual.set(b.y, at);
    at += b.y.length;
  }
  const p = at === predicted.length ? predicted : predicted.slice(0, at);
  const a = at === actual.length ? actual : actual.slice(0, at);
  return { predicted: scaler ? scaler.inverseTransform(p) : p, actual: scaler ? scaler.inverseTransform(a) : a };
}
