import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { engineSupport } from '../engine/fit';
import { FusedNetwork } from '../engine/network';
import { epochBatches } from '../series/windows';
import type { Array3D, WindowBatches, WindowSet } from '../types';

/** Anything with `inverseTransform` (the scalers of src/series). */
export interface InverseScaler {
  inverseTransform(values: Float64Array): Float64Array;
}

function predictRaw(model: tfTypes.LayersModel, x: Float64Array, n: number, shape: number[]): Float64Array {
  if (engineSupport(model, { epochs: 1, batchSize: 1 }) === null) {
    return new FusedNetwork(model).predict(x, n);
  }
  const input = tf.tensor(Float32Array.from(x), [n, ...shape]);
  const out = model.predict(input, { batchSize: 256 }) as tfTypes.Tensor;
  const values = Float64Array.from(out.dataSync());
  tf.dispose([input, out]);
  return values;
}

/**
 * Predictions for windows `x` (or a WindowSet), flattened (n · outputs values; for
 * sequence outputs n · steps · outputs), de-normalised with `scaler` when given.
 */
export function predictWindows(model: tfTypes.LayersModel, x: Array3D | WindowSet, scaler?: InverseScaler): Float64Array {
  const arr = 'x' in x ? x.x : x;
  const [n, steps, features] = arr.shape;
  const expected = (model.inputs[0].shape as Array<number | null>).slice(1);
  if (expected[0] !== steps || expected[1] !== features) {
    throw new Error(`predictWindows: windows of shape [${n}, ${steps}, ${features}] do not fit the model's input [batch, ${expected.join(', ')}].`);
  }
  const raw = predictRaw(model, arr.data, n, [steps, features]);
  return scaler ? scaler.inverseTransform(raw) : raw;
}

/** Predictions for every window of a lazy source, in its batch order (epoch 0), plus the targets. */
export function predictBatches(model: tfTypes.LayersModel, data: WindowBatches, scaler?: InverseScaler): { predicted: Float64Array; actual: Float64Array } {
  const predicted: number[] = [];
  const actual: number[] = [];
  for (const b of epochBatches(data, { batchSize: data.batchSize })) {
    predicted.push(...predictRaw(model, b.x, b.n, [data.sequenceLength, data.features]));
    actual.push(...b.y);
  }
  const p = Float64Array.from(predicted);
  const a = Float64Array.from(actual);
  return { predicted: scaler ? scaler.inverseTransform(p) : p, actual: scaler ? scaler.inverseTransform(a) : a };
}
