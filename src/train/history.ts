import type { EpochLogs, TrainOptions } from '../types';

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

/** Validation numbers of one epoch. */
export interface EpochValidation {
  loss: number;
  mse: number;
  mae: number;
}

/**
 * Closes an epoch the same way for both engines: adds the validation numbers to `logs`,
 * appends everything to the history, records the epoch's seconds, calls `onEpochEnd` and
 * lets the event loop run (progress output, interrupts).
 */
export async function recordEpoch(
  run: { history: Record<string, number[]>; secondsPerEpoch: number[] },
  options: TrainOptions,
  epoch: number,
  startedAt: number,
  logs: EpochLogs,
  validation?: EpochValidation,
): Promise<void> {
  if (validation) {
    logs.val_loss = validation.loss;
    for (const m of options.metrics ?? []) logs[`val_${m}`] = validation[m];
  }
  for (const [k, v] of Object.entries(logs)) run.history[k].push(v);
  run.secondsPerEpoch.push((performance.now() - startedAt) / 1000);
  options.onEpochEnd?.(epoch, logs);
  await new Promise((r) => setImmediate(r));
}
