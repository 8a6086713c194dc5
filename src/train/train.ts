/**
 * `train()`: the one training call of the notebooks. It checks the options and the data once,
 * picks the backend (the fast engine, else tfjs) and shows one live progress line.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainData, TrainHistory, TrainOptions } from '../core/types';
import { DEFAULT_LEARNING_RATES } from '../engine';
import { modelWindowShape } from '../models/inference';
import { checkTrainData } from '../series/shapes';
import { engineSupport, fitFast } from './fast';
import { ProgressLine } from './progress';
import { fitTfjs } from './tfjs';

const OPTIMIZERS = Object.keys(DEFAULT_LEARNING_RATES);
const LOSSES = ['mse', 'mae'];

function checkTrainOptions(options: TrainOptions): void {
  if (!Number.isInteger(options.epochs) || options.epochs <= 0) throw new Error(`epochs: ${options.epochs} must be a positive integer, e.g. 200.`);
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) throw new Error(`batchSize: ${options.batchSize} must be a positive integer (1 = online learning).`);
  if (options.learningRate !== undefined && !(options.learningRate > 0)) throw new Error(`learningRate: ${options.learningRate} must be positive, e.g. 0.001.`);
  for (const k of ['l2', 'weightDecay', 'momentum'] as const) {
    const v = options[k];
    if (v !== undefined && !(v >= 0)) throw new Error(`${k}: ${v} must be zero or positive.`);
  }
  if (options.engine && !['auto', 'fast', 'tfjs'].includes(options.engine)) throw new Error(`engine: "${options.engine}" must be "auto", "fast" or "tfjs".`);
  if (options.optimizer !== undefined && !OPTIMIZERS.includes(options.optimizer)) {
    throw new Error(`optimizer: "${options.optimizer}" is not supported; use "adam", "adadelta", "sgd" (with momentum) or "rmsprop" (add weightDecay for AdamW).`);
  }
  if (options.loss !== undefined && !LOSSES.includes(options.loss)) throw new Error(`loss: "${options.loss}" is not supported; use "mse" or "mae".`);
  for (const m of options.metrics ?? []) {
    if (!LOSSES.includes(m)) throw new Error(`metrics: "${m}" is not supported; use "mse" and/or "mae" (RMSE is the square root of mse).`);
  }
  if (options.progress !== undefined && options.progress !== 'line' && options.progress !== 'none') throw new Error(`progress: "${options.progress}" must be "line" or "none".`);
}

const saidWhy = new Set<string>();

/**
 * Trains `model` on `data` — the one training call of every notebook. With `engine:
 * 'auto'` (default) the fused engine trains supported stacks (Elman, Jordan, LSTM, GRU,
 * Dense, Flatten; no dropout or statefulness) and tfjs trains the rest, saying once why.
 * Shows one live progress line; returns per-epoch `loss`/`val_loss`/metrics and seconds.
 * Stateful models (tfjs) train on their windows in order with the state reset at every
 * epoch's start; `batchSize` must be the one they were built with (see `fitTfjs`).
 */
export async function train(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): Promise<TrainHistory> {
  checkTrainOptions(options);
  const shape = modelWindowShape(model);
  checkTrainData('data', data, shape);
  if (options.validationData !== undefined) checkTrainData('validationData', options.validationData, shape);
  const choice = options.engine ?? 'auto';
  let useFast = false;
  let fallbackReason: string | undefined;
  if (choice !== 'tfjs') {
    const reason = engineSupport(model);
    if (reason === null) useFast = true;
    else if (choice === 'fast') throw new Error(`engine "fast" cannot train ${model.name}: ${reason}. Use engine: "auto" or "tfjs".`);
    else {
      fallbackReason = reason;
      const key = `${model.name}: ${reason}`;
      if (!saidWhy.has(key)) {
        saidWhy.add(key);
        console.log(`(motor tfjs para ${model.name}: el motor rápido no lo admite — ${reason})`);
      }
    }
  }
  const progress = new ProgressLine(model.name, options.epochs, (options.progress ?? 'line') === 'line');
  const userHook = options.onEpochEnd;
  const opts: TrainOptions = {
    ...options,
    onEpochEnd: (epoch, logs) => {
      progress.update(epoch, logs);
      userHook?.(epoch, logs);
    },
  };
  const loop = { onBatch: (epoch: number, batch: number, batches: number) => progress.batch(epoch, batch, batches) };
  const result = useFast ? await fitFast(model, data, opts) : await fitTfjs(model, data, opts, loop);
  if (fallbackReason) result.fallbackReason = fallbackReason;
  const last = Object.entries(result.history).map(([k, v]) => `${k} ${v[v.length - 1].toPrecision(4)}`).join(', ');
  progress.finish(`${model.name}: ${options.epochs} épocas en ${result.totalSeconds.toFixed(1)} s (motor ${result.engine === 'fast' ? 'rápido' : 'tfjs'}); ${last}`);
  return result;
}
