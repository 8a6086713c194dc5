/**
 * What a tfjs model takes and gives: its window shape, the fixed batch size of a stateful
 * model, and predictions computed by tfjs itself (used where the fast engine does not apply).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { WindowShape } from '../core/types';

/** The fixed batch size of a stateful model (`stateful: true` + `batchSize`), else null. */
export function fixedBatchSize(model: tfTypes.LayersModel): number | null {
  if (!model.stateful) return null;
  const b = (model.inputs[0].shape as Array<number | null>)[0];
  return typeof b === 'number' ? b : null;
}

/** Output shape per window of `model` (`[outputs]`, or `[steps, outputs]` for sequence outputs). */
export function outputShape(model: tfTypes.LayersModel): number[] {
  return (model.outputs[0].shape as Array<number | null>).slice(1) as number[];
}

/** Outputs per step of `model` (what a scaler of that many features inverts). */
export function outputsPerStep(model: tfTypes.LayersModel): number {
  return outputShape(model).at(-1) ?? 1;
}

/** The windows `model` takes: steps and features per window, and target values per window. */
export function modelWindowShape(model: tfTypes.LayersModel): WindowShape {
  const s = (model.inputs[0].shape as Array<number | null>).slice(1);
  const outputs = outputShape(model).reduce<number>((a, b) => a * (b ?? 1), 1);
  return { steps: s[0] as number, features: s[1] as number, outputs };
}

/** True for the weights that L2 and weight decay act on (kernels, not biases), by tfjs's weight names. */
export function isKernelWeight(name: string): boolean {
  return /kernel/.test(name);
}

/**
 * tfjs predictions for `n` flat windows of shape `shape`, in row order. A stateful model
 * (fixed batch size B) is fed consecutive chunks of B windows — the last one padded with
 * zero windows whose outputs are dropped — so each chunk starts from the state the previous
 * one ended with, as Keras' `predict(x, batch_size=B)`; its state is reset first unless
 * `resetState` is false.
 */
export function predictRowsTfjs(
  model: tfTypes.LayersModel,
  x: Float64Array,
  n: number,
  shape: number[],
  resetState = true,
): Float64Array {
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
