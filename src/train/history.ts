import type { TrainOptions } from '../types';

/** An empty per-epoch history with the keys Keras would report for these options. */
export function emptyHistory(options: TrainOptions): Record<string, number[]> {
  const history: Record<string, number[]> = { loss: [] };
  if (options.validationData) history.val_loss = [];
  for (const m of options.metrics ?? []) {
    history[m] = [];
    if (options.validationData) history[`val_${m}`] = [];
  }
  return history;
}

/** The error that stops a diverging training run: which epoch and batch, and what to try. */
export function divergenceError(value: number, epoch: number, batch: number): Error {
  return new Error(
    `Training diverged: the loss became ${value} at epoch ${epoch + 1}, batch ${batch + 1}. ` +
      'Lower the learning rate, check that inputs and targets are scaled (e.g. to [-1, 1]) and contain no NaN, or use a smaller batch.',
  );
}
