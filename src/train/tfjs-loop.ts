/**
 * The tfjs training path: a seeded loop over the same batches as the engine, with the
 * tfjs optimizers, an optional L2 penalty on kernels in the loss (as Keras'
 * kernel_regularizer) and decoupled weight decay after each step.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { divergenceError, emptyHistory, recordEpoch } from './history';
import { tf } from '../backend';
import { epochBatches } from '../series/windows';
import type { EpochLogs, LossName, TrainData, TrainHistory, TrainOptions, WindowBatches, WindowSet } from '../types';
import { fixedBatchSize, predictRowsTfjs } from '../models/predict';
import { DEFAULT_LEARNING_RATES } from '../engine/optimizers';

function makeOptimizer(options: TrainOptions): tfTypes.Optimizer {
  const name = options.optimizer ?? 'adam';
  const lr = options.learningRate ?? DEFAULT_LEARNING_RATES[name];
  switch (name) {
    case 'adam':
      return tf.train.adam(lr);
    case 'adadelta':
      return tf.train.adadelta(lr);
    case 'sgd':
      return options.momentum ? tf.train.momentum(lr, options.momentum) : tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, options.momentum ?? 0);
    default:
      throw new Error(`optimizer: "${String(name)}" is not supported; use adam, adadelta, sgd or rmsprop.`);
  }
}

/** Output shape per sample of `model` (steps × outputs for sequence outputs). */
export function outputShape(model: tfTypes.LayersModel): number[] {
  return (model.outputs[0].shape as Array<number | null>).slice(1) as number[];
}

function isKernel(v: tfTypes.LayerVariable): boolean {
  return /kernel/.test(v.name);
}

function lossTensor(loss: LossName, y: tfTypes.Tensor, p: tfTypes.Tensor): tfTypes.Scalar {
  return loss === 'mse' ? tf.losses.meanSquaredError(y, p) as tfTypes.Scalar : tf.losses.absoluteDifference(y, p) as tfTypes.Scalar;
}

function penalty(model: tfTypes.LayersModel, l2: number): tfTypes.Scalar {
  const terms = model.trainableWeights.filter(isKernel).map((w) => tf.sum(tf.square(w.read())));
  return tf.mul(l2, tf.addN(terms)) as tfTypes.Scalar;
}

function evaluateTf(model: tfTypes.LayersModel, data: TrainData, loss: LossName, l2: number): { loss: number; mse: number; mae: number } {
  const inShape = (model.inputs[0].shape as number[]).slice(1);
  const fixed = fixedBatchSize(model);
  let se = 0;
  let ae = 0;
  let count = 0;
  let first = true;
  for (const b of epochBatches(data, { batchSize: fixed ?? 512 })) {
    // A stateful model sees the validation windows in order, its state carried from batch to batch.
    const p = predictRowsTfjs(model, b.x, b.n, inShape, first);
    first = false;
    for (let i = 0; i < p.length; i++) {
      const e = p[i] - b.y[i];
      se += e * e;
      ae += Math.abs(e);
    }
    count += b.y.length;
  }
  if (fixed !== null) model.resetStates();
  const pen = l2 > 0 ? tf.tidy(() => penalty(model, l2).dataSync()[0]) : 0;
  return { loss: (loss === 'mse' ? se : ae) / count + pen, mse: se / count, mae: ae / count };
}

/**
 * Checks a stateful model's training data: every batch must have the model's fixed batch
 * size (validation and prediction pad the last batch instead). Returns that size, or null for a stateless model.
 */
function checkStateful(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): number | null {
  const fixed = fixedBatchSize(model);
  if (fixed === null) return null;
  const lazy = typeof (data as WindowBatches).batch === 'function';
  const size = lazy ? (data as WindowBatches).batchSize : options.batchSize;
  if (size !== fixed) {
    throw new Error(`${lazy ? 'data.batchSize' : 'batchSize'}: ${size} differs from the batch size ${fixed} that the stateful model ${model.name} was built with; train with batchSize: ${fixed} or rebuild the model.`);
  }
  const n = lazy ? (data as WindowBatches).numWindows : (data as WindowSet).x.shape[0];
  if (n % fixed !== 0) {
    const keep = n - (n % fixed);
    throw new Error(`data: ${n} windows are not a multiple of the stateful model's batch size ${fixed}; keep the first ${keep} (e.g. sliceWindows(set, 0, ${keep})).`);
  }
  return fixed;
}

/** Extra observers of the tfjs loop (train() uses them for its progress line). */
export interface TfjsLoopHooks {
  /** Called after batch `batch` (0-based) of `batches` in epoch `epoch`, at most ~4 times a second. */
  onBatch?: (epoch: number, batch: number, batches: number) => void;
}

/**
 * Trains with tfjs (see the module note). Same history layout as the engine. A stateful
 * model (seed 004) is trained on its windows in order (no shuffling unless
 * `shuffle: true` is given), its state carried from batch to batch within an epoch and
 * reset at the start of every epoch and around validation (the usual Keras recipe
 * `fit(epochs=1, shuffle=False); reset_states()` per epoch).
 */
export async function fitTfjs(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions, hooks: TfjsLoopHooks = {}): Promise<TrainHistory> {
  const stateful = checkStateful(model, data, options) !== null;
  const batches = typeof (data as WindowBatches).batch === 'function' ? (data as WindowBatches).numBatches : Math.ceil((data as WindowSet).x.shape[0] / options.batchSize);
  const shuffle = options.shuffle ?? !stateful;
  const opt = makeOptimizer(options);
  const loss = options.loss ?? 'mse';
  const l2 = options.l2 ?? 0;
  const wd = options.weightDecay ?? 0;
  const lr = options.learningRate ?? DEFAULT_LEARNING_RATES[options.optimizer ?? 'adam'];
  const metrics = options.metrics ?? [];
  const inShape = (model.inputs[0].shape as number[]).slice(1);
  const outShape = outputShape(model);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tfTypes.Variable }).val);
  const history = emptyHistory(options);
  const secondsPerEpoch: number[] = [];
  const start = performance.now();
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const t0 = performance.now();
      let weighted = 0;
      let count = 0;
      let se = 0;
      let ae = 0;
      let elements = 0;
      let batchIndex = 0;
      let lastYield = Date.now();
      if (stateful) model.resetStates();
      for (const b of epochBatches(data, { batchSize: options.batchSize, epoch, shuffle, seed: options.seed ?? 0 })) {
        const [value, s, a] = tf.tidy(() => {
          const x = tf.tensor(Float32Array.from(b.x), [b.n, ...inShape]);
          const y = tf.tensor(Float32Array.from(b.y), [b.n, ...outShape]);
          let pred: tfTypes.Tensor | undefined;
          const cost = opt.minimize(() => {
            pred = tf.keep(model.apply(x, { training: true }) as tfTypes.Tensor);
            const base = lossTensor(loss, y, pred);
            return l2 > 0 ? (tf.add(base, penalty(model, l2)) as tfTypes.Scalar) : base;
          }, true, vars) as tfTypes.Scalar;
          const e = tf.sub(pred!, y);
          const r = [cost.dataSync()[0], metrics.length ? tf.sum(tf.square(e)).dataSync()[0] : 0, metrics.length ? tf.sum(tf.abs(e)).dataSync()[0] : 0];
          pred!.dispose();
          return r;
        });
        if (!Number.isFinite(value) && options.stopOnNaN !== false) {
          throw divergenceError(value, epoch, batchIndex);
        }
        if (wd > 0) {
          tf.tidy(() => {
            for (const w of model.trainableWeights) if (isKernel(w)) w.write(tf.mul(w.read(), 1 - lr * wd));
          });
        }
        weighted += value * b.n;
        count += b.n;
        se += s;
        ae += a;
        elements += b.y.length;
        batchIndex++;
        if (Date.now() - lastYield >= 250) {
          // Long epochs: report the batch and let the event loop run (output reaches the notebook, interrupts work).
          hooks.onBatch?.(epoch, batchIndex - 1, batches);
          await new Promise((r) => setImmediate(r));
          lastYield = Date.now();
        }
      }
      const logs: EpochLogs = { loss: weighted / count };
      for (const m of metrics) logs[m] = (m === 'mse' ? se : ae) / elements;
      const validation = options.validationData ? evaluateTf(model, options.validationData, loss, l2) : undefined;
      await recordEpoch({ history, secondsPerEpoch }, options, epoch, t0, logs, validation);
    }
  } finally {
    opt.dispose();
  }
  return { history, secondsPerEpoch, totalSeconds: (performance.now() - start) / 1000, engine: 'tfjs' };
}
