/**
 * The epoch loop, written once for both backends: batches in the seeded order, the divergence
 * stop, the per-epoch logs with Keras' keys, validation, the history, the hooks and the pauses
 * that let a notebook show progress. Each backend (train/fast.ts, train/tfjs.ts) supplies only
 * its batch step and its validation.
 */
import type { ErrorSums, EpochLogs, FlatBatch, TrainData, TrainHistory, TrainOptions } from '../core/types';
import { epochBatches, isWindowBatches } from '../series/windows';

/** Validation numbers of one epoch. */
export interface EpochValidation extends ErrorSums {
  loss: number;
}

/** What a backend supplies to the loop. */
export interface BatchStep {
  /**
   * One gradient step on `batch`: returns the batch's loss (the L2 term included) and adds
   * its squared and absolute errors to `sums`.
   */
  train(batch: FlatBatch, sums: ErrorSums): number | Promise<number>;
  /** Loss and mean errors over the validation data, without gradients. */
  validate(data: TrainData): EpochValidation | Promise<EpochValidation>;
  /** Called before every epoch (a stateful model resets its state). */
  startEpoch?(epoch: number): void;
}

/** How the loop runs: the options of `train()`, the backend's shuffling default and a batch observer. */
export interface LoopSettings {
  /** Shuffle the training windows every epoch (seeded by `options.seed + epoch`). */
  shuffle: boolean;
  /**
   * Pause about 4 times a second within an epoch (calling `onBatch`) so that progress output
   * reaches the notebook and interrupts work during long epochs. The tfjs backend pauses; the
   * fast engine reports once per epoch: under tslab, stream messages sent that often during
   * its fast epochs collided with the kernel's own messages ("Socket is busy writing", a dead
   * kernel in notebook 03).
   */
  batchPauses: boolean;
  /** Called after batch `batch` (0-based) of `batches` in epoch `epoch` at each pause. */
  onBatch?: (epoch: number, batch: number, batches: number) => void;
}

/** Time between pauses of a long epoch (progress output reaches the notebook, interrupts work). */
const PAUSE_MS = 250;

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An empty per-epoch history with the keys Keras would report for these options. */
function emptyHistory(options: TrainOptions): Record<string, number[]> {
  const history: Record<string, number[]> = { loss: [] };
  if (options.validationData) history.val_loss = [];
  for (const m of options.metrics ?? []) {
    history[m] = [];
    if (options.validationData) history[`val_${m}`] = [];
  }
  return history;
}

/** The error that stops a diverging training run: which epoch and batch, and what to try. */
function divergenceError(value: number, epoch: number, batch: number): Error {
  return new Error(
    `Training diverged: the loss became ${value} at epoch ${epoch + 1}, batch ${batch + 1}. ` +
      'Lower the learning rate, check that inputs and targets are scaled (e.g. to [-1, 1]) and contain no NaN, or use a smaller batch.',
  );
}

function batchCount(data: TrainData, batchSize: number): number {
  return isWindowBatches(data) ? data.numBatches : Math.ceil(data.x.shape[0] / batchSize);
}

/**
 * Runs `options.epochs` epochs of `step` over `data` and returns the history (without the
 * `engine` field, which the backend adds).
 */
export async function runEpochs(step: BatchStep, data: TrainData, options: TrainOptions, settings: LoopSettings): Promise<Omit<TrainHistory, 'engine'>> {
  const metrics = options.metrics ?? [];
  const history = emptyHistory(options);
  const secondsPerEpoch: number[] = [];
  const batches = batchCount(data, options.batchSize);
  const start = performance.now();
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const startedAt = performance.now();
    step.startEpoch?.(epoch);
    let weighted = 0;
    let count = 0;
    let elements = 0;
    const sums = { mse: 0, mae: 0 };
    let batchIndex = 0;
    let lastPause = Date.now();
    for (const b of epochBatches(data, { batchSize: options.batchSize, epoch, shuffle: settings.shuffle, seed: options.seed ?? 0 })) {
      const result = step.train(b, sums);
      const value = typeof result === 'number' ? result : await result;
      if (!Number.isFinite(value) && options.stopOnNaN !== false) throw divergenceError(value, epoch, batchIndex);
      weighted += value * b.n;
      count += b.n;
      elements += b.y.length;
      batchIndex++;
      if (settings.batchPauses && Date.now() - lastPause >= PAUSE_MS) {
        settings.onBatch?.(epoch, batchIndex - 1, batches);
        await pause();
        lastPause = Date.now();
      }
    }
    const logs: EpochLogs = { loss: weighted / count };
    for (const m of metrics) logs[m] = sums[m] / elements;
    if (options.validationData) {
      const validation = await step.validate(options.validationData);
      logs.val_loss = validation.loss;
      for (const m of metrics) logs[`val_${m}`] = validation[m];
    }
    for (const [k, v] of Object.entries(logs)) history[k].push(v);
    secondsPerEpoch.push((performance.now() - startedAt) / 1000);
    options.onEpochEnd?.(epoch, logs);
    await pause();
  }
  return { history, secondsPerEpoch, totalSeconds: (performance.now() - start) / 1000 };
}
