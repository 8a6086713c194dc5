/**
 * Fused CPU training engine (forward + backpropagation through time + optimizer step on
 * preallocated typed arrays) for small recurrent stacks. Contract used by `train()`:
 *
 * - `engineSupport(model, options)` → `null` when the engine can train this model with
 *   these options, else a one-line reason (train() then falls back to tfjs `fit`).
 * - `fitFast(model, data, options)` reads the model's weights, trains, writes the weights
 *   back into the tfjs model and returns the same history shape as the tfjs path.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainHistory, TrainOptions, WindowSet } from '../types';

export function engineSupport(_model: tfTypes.LayersModel, _options: TrainOptions): string | null {
  return 'the fast engine is not implemented yet';
}

export async function fitFast(_model: tfTypes.LayersModel, _data: WindowSet, _options: TrainOptions): Promise<TrainHistory> {
  throw new Error('fitFast: the fast engine is not implemented yet; use engine: "tfjs".');
}
