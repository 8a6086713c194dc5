import type * as tfTypes from '@tensorflow/tfjs';
import { engineSupport, fitFast } from '../engine/fit';
import { windowShape } from '../models/predict';
import type { TrainData, TrainHistory, TrainOptions, WindowBatches, WindowSet } from '../types';
import { ProgressLine } from './progress';
import { fitTfjs } from './tfjs-loop';

function checkTrainOptions(options: TrainOptions): void {
  if (!Number.isInteger(options.epochs) || options.epochs <= 0) throw new Error(`epochs: ${options.epochs} must be a positive integer, e.g. 200.`);
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) throw new Error(`batchSize: ${options.batchSize} must be a positive integer (1 = online learning).`);
  if (options.learningRate !== undefined && !(options.learningRate > 0)) throw new Error(`learningRate: ${options.learningRate} must be positive, e.g. 0.001.`);
  for (const k of ['l2', 'weightDecay', 'momentum'] as const) {
    const v = options[k];
    if (v !== undefined && !(v >= 0)) throw new Error(`${k}: ${v} must be zero or positive.`);
  }
  if (options.engine && !['auto', 'fast', 'tfjs'].includes(options.engine)) throw new Error(`engine: "${options.engine}" must be "auto", "fast" or "tfjs".`);
  if (options.optimizer !== undefined && !['adam', 'adadelta', 'sgd', 'rmsprop'].includes(options.optimizer)) {
    throw new Error(`optimizer: "${options.optimizer}" is not supported; use "adam", "adadelta", "sgd" (with momentum) or "rmsprop" (add weightDecay for AdamW).`);
  }
  if (options.loss !== undefined && !['mse', 'mae'].includes(options.loss)) throw new Error(`loss: "${options.loss}" is not supported; use "mse" or "mae".`);
  for (const m of options.metrics ?? []) {
    if (!['mse', 'mae'].includes(m)) throw new Error(`metrics: "${m}" is not supported; use "mse" and/or "mae" (RMSE is the square root of mse).`);
  }
  if (options.progress !== undefined && options.progress !== 'line' && options.progress !== 'none') throw new Error(`progress: "${options.progress}" must be "line" or "none".`);
}

/** Throws a descriptive error when `data` (named `name`) does not fit the model's input and output. */
function checkTrainData(name: string, model: tfTypes.LayersModel, data: TrainData): void {
  const [steps, features] = windowShape(model);
  const outputs = (model.outputs[0].shape as Array<number | null>).slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
  if (data === null || typeof data !== 'object') throw new Error(`${name}: ${String(data)} is not training data; pass windows {x, y} (lagWindows) or a batch source (timeseriesDatasetFromArray).`);
  if (typeof (data as WindowBatches).batch === 'function') {
    const src = data as WindowBatches;
    if (src.sequenceLength !== steps || src.features !== features) {
      throw new Error(`${name}: batches of [${src.sequenceLength} steps, ${src.features} features] do not fit the model's input [batch, ${steps}, ${features}]; rebuild the model or the source.`);
    }
    if (src.outputs !== outputs) throw new Error(`${name}: the source has ${src.outputs} target(s) per window but the model gives ${outputs}; rebuild the model with outputUnits: ${src.outputs}.`);
    return;
  }
  const { x, y } = data as WindowSet;
  if (!x || !y || x.shape.length !== 3) throw new Error(`${name}: expected windows {x: [n, steps, features], y}, got ${JSON.stringify(Object.keys(data))}; build them with lagWindows.`);
  const [n] = x.shape;
  if (x.shape[1] !== steps || x.shape[2] !== features) {
    throw new Error(`${name}: windows of shape [${x.shape.join(', ')}] do not fit the model's input [batch, ${steps}, ${features}]; rebuild the model or the windows.`);
  }
  if (n === 0) throw new Error(`${name}: there are no windows; the series is shorter than the window length ${steps}.`);
  if (y.data.length !== n * outputs) {
    throw new Error(`${name}: ${y.data.length} targets for ${n} windows, but the model gives ${outputs} output(s) per window; rebuild the model (outputUnits, returnSequences) or the targets.`);
  }
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
  checkTrainData('data', model, data);
  if (options.validationData !== undefined) checkTrainData('validationData', model, options.validationData);
  const choice = options.engine ?? 'auto';
  let useFast = false;
  let fallbackReason: string | undefined;
  if (choice !== 'tfjs') {
    const reason = engineSupport(model, options);
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
  const result = useFast ? await fitFast(model, data, opts) : await fitTfjs(model, data, opts, { onBatch: (e, b, n) => progress.batch(e, b, n) });
  if (fallbackReason) result.fallbackReason = fallbackReason;
  const last = Object.entries(result.history).map(([k, v]) => `${k} ${v[v.length - 1].toPrecision(4)}`).join(', ');
  progress.finish(`${model.name}: ${options.epochs} épocas en ${result.totalSeconds.toFixed(1)} s (motor ${result.engine === 'fast' ? 'rápido' : 'tfjs'}); ${last}`);
  return result;
}
