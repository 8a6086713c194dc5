/**
 * The epoch loop, written once for both backends: batches in the seeded order, the divergence
 * stop, the blow-up warning, the per-epoch logs with Keras' keys, validation, the history, the
 * hooks and the pauses that let a notebook show progress. Each backend (train/fast.ts,
 * train/tfjs.ts) supplies only its batch step and its validation, and leaves the model's weights
 * as they were before the loop when the loop throws (the fast engine writes them back only at the
 * end, the tfjs backend restores them).
 */
import type { ErrorSums, EpochLogs, FlatBatch, TrainData, TrainHistory, TrainOptions } from '../core/types';
import { DEFAULT_LEARNING_RATES } from '../engine';
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
  /** Shows a warning (the blow-up warning); default `console.warn`. */
  warn?: (message: string) => void;
}

/**
 * The blow-up rule: an epoch's training loss over this many times the larger of the untrained
 * network's loss (the first batch, before any step) and the loss of predicting 0 for every target
 * (mean y² for mse, mean |y| for mae) is warned about, once per run. Four orders of magnitude: a
 * normal run stays below its starting loss, and the larger of the two references keeps targets
 * near 0 or an untrained output far from them from raising it.
 */
export const BLOW_UP_FACTOR = 1e4;

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
      'The model keeps the weights it had before this train() call. ' +
      'Lower the learning rate, check that inputs and targets are scaled (e.g. to [-1, 1]) and contain no NaN, or use a smaller batch.',
  );
}

/** A learning rate as written by hand: 0.001, 1e+6. */
function rate(v: number): string {
  return v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-4) ? v.toExponential() : String(v);
}

/** The blow-up warning (see `BLOW_UP_FACTOR`): the loss, the reference, the learning rate and its default. */
function blowUpMessage(loss: number, epoch: number, reference: number, options: TrainOptions): string {
  const optimizer = options.optimizer ?? 'adam';
  const fallback = DEFAULT_LEARNING_RATES[optimizer];
  const lr =
    options.learningRate === undefined
      ? `${rate(fallback)}, the default of ${optimizer}`
      : `${rate(options.learningRate)} with ${optimizer}, whose default is ${rate(fallback)}`;
  const factor = BLOW_UP_FACTOR.toLocaleString('en-US');
  return (
    `the training loss ${loss.toExponential(2)} of epoch ${epoch + 1} is over ${factor} times ` +
    `that of the untrained network or of predicting 0 (${reference.toPrecision(3)}); training is blowing up. ` +
    `Lower learningRate (${lr}) or scale inputs and targets (e.g. to [-1, 1]).`
  );
}

function batchCount(data: TrainData, batchSize: number): number {
  return isWindowBatches(data) ? data.numBatches : Math.ceil(data.x.shape[0] / batchSize);
}

/**
 * Runs `options.epochs` epochs of `step` over `data` and returns the history (without the
 * `engine` field, which the backend adds).
 */
export async function runEpochs(
  step: BatchStep,
  data: TrainData,
  options: TrainOptions,
  settings: LoopSettings,
): Promise<Omit<TrainHistory, 'engine' | 'precision' | 'settings'>> {
  const metrics = options.metrics ?? [];
  const history = emptyHistory(options);
  const secondsPerEpoch: number[] = [];
  const batches = batchCount(data, options.batchSize);
  const start = performance.now();
  // the blow-up rule's references, from the first epoch: the untrained loss and that of predicting 0
  const absolute = (options.loss ?? 'mse') === 'mae';
  let untrained = 0;
  let zeroSum = 0;
  let zeroCount = 0;
  let warned = false;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const startedAt = performance.now();
    step.startEpoch?.(epoch);
    let weighted = 0;
    let count = 0;
    let elements = 0;
    const sums = { mse: 0, mae: 0 };
    let batchIndex = 0;
    let lastPause = Date.now();
    for (const b of epochBatches(data, {
      batchSize: options.batchSize,
      epoch,
      shuffle: settings.shuffle,
      seed: options.seed ?? 0,
    })) {
      const result = step.train(b, sums);
      const value = typeof result === 'number' ? result : await result;
      if (!Number.isFinite(value) && options.stopOnNaN !== false) throw divergenceError(value, epoch, batchIndex);
      if (epoch === 0) {
        if (batchIndex === 0) untrained = value;
        for (let i = 0; i < b.y.length; i++) zeroSum += absolute ? Math.abs(b.y[i]) : b.y[i] * b.y[i];
        zeroCount += b.y.length;
      }
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
    const reference = Math.max(untrained, zeroSum / zeroCount);
    if (!warned && reference > 0 && logs.loss > BLOW_UP_FACTOR * reference) {
      warned = true;
      (settings.warn ?? console.warn)(blowUpMessage(logs.loss, epoch, reference, options));
    }
    await pause();
  }
  return { history, secondsPerEpoch, totalSeconds: (performance.now() - start) / 1000 };
}
