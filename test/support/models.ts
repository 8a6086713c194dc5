import type * as tfTypes from '@tensorflow/tfjs';
import { buildModel, lagWindows, sliceWindows, tf } from '../../src';
import type { ModelKind, ModelOptions, WindowSet } from '../../src';

/** A small seeded data set of `n` windows, `steps` × `features`, with one target each. */
export function smallData(n: number, steps: number, features: number, seed = 1): WindowSet {
  const x = Float64Array.from({ length: n * steps * features }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8);
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.9 + seed) * 0.5);
  return { x: { data: x, shape: [n, steps, features] }, y: { data: y, shape: [n, 1] } };
}

/** A model whose biases are non-zero too (so their gradients are exercised). */
export function perturbedModel(
  kind: ModelKind,
  units: number[],
  steps: number,
  features: number,
  seed = 3,
  options: Partial<ModelOptions> = {},
) {
  const model = buildModel(kind, { steps, features, units, seed, ...options });
  let k = 0;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    const next = ws.map((w) => tf.tidy(() => tf.add(w, tf.randomNormal(w.shape, 0, 0.3, 'float32', seed * 100 + k++))));
    layer.setWeights(next);
    tf.dispose(next);
  }
  return model;
}

/** max |a − b| / max(max |b|, floor). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let num = 0;
  let den = floor;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** A learnable sine series, its 6-lag windows, the first 100 for training and the rest for validation. */
export function sineWindows(): { sine: Float64Array; windows: WindowSet; trainSet: WindowSet; valSet: WindowSet } {
  const sine = Float64Array.from({ length: 140 }, (_, i) => 0.8 * Math.sin(i / 4));
  const windows = lagWindows(sine, 6);
  return { sine, windows, trainSet: sliceWindows(windows, 0, 100), valSet: sliceWindows(windows, 100) };
}

/** The message of the error `promise` rejects with (fails when it resolves). */
export async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
}

/** All weights of `m` as plain arrays (to compare a model before and after). */
export const weightsOf = (m: tfTypes.LayersModel): number[][] => m.getWeights().map((t) => Array.from(t.dataSync()));

/**
 * Relative tolerance of an epoch written by hand with tfjs (float32) against the same epoch of
 * train(): float32 rounding, grown over a few hundred Adam steps (measured 6e-6 in notebook 01's
 * 387 steps with the float64 engine); chosen to hold for a float32 engine too.
 */
export const EPOCH_TOLERANCE = 3e-5;

/** Absolute tolerance of a forward pass written in plain TypeScript against predict() (float32). */
export const FORWARD_TOLERANCE = 1e-6;
