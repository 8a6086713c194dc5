/**
 * The tfjs backend of `train()`: the batch step with tfjs's own optimizers and automatic
 * differentiation, an optional L2 penalty on kernels in the loss (as Keras'
 * kernel_regularizer) and decoupled weight decay after each step, for the models the fast
 * engine does not support (dropout, stateful models). The epochs are train/loop.ts's.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { ErrorSums, FlatBatch, LossName, TrainData, TrainHistory, TrainOptions } from '../core/types';
import { DEFAULT_LEARNING_RATES } from '../engine';
import { fixedBatchSize, isKernelWeight, outputShape, predictRowsTfjs } from '../models/inference';
import { epochBatches, isWindowBatches } from '../series/windows';
import { type BatchStep, type EpochValidation, type LoopSettings, runEpochs } from './loop';

/** Validation batches of a stateless model (a stateful one uses its fixed batch size). */
const VALIDATION_BATCH = 512;

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
  }
}

function lossTensor(loss: LossName, y: tfTypes.Tensor, p: tfTypes.Tensor): tfTypes.Scalar {
  return loss === 'mse'
    ? (tf.losses.meanSquaredError(y, p) as tfTypes.Scalar)
    : (tf.losses.absoluteDifference(y, p) as tfTypes.Scalar);
}

/** The L2 term `l2·Σw²` over the kernels, as a tensor (so tfjs differentiates it). */
function penalty(model: tfTypes.LayersModel, l2: number): tfTypes.Scalar {
  const terms = model.trainableWeights.filter((w) => isKernelWeight(w.name)).map((w) => tf.sum(tf.square(w.read())));
  return tf.mul(l2, tf.addN(terms)) as tfTypes.Scalar;
}

function validate(model: tfTypes.LayersModel, data: TrainData, loss: LossName, l2: number): EpochValidation {
  const inShape = (model.inputs[0].shape as number[]).slice(1);
  const fixed = fixedBatchSize(model);
  let se = 0;
  let ae = 0;
  let count = 0;
  let first = true;
  for (const b of epochBatches(data, { batchSize: fixed ?? VALIDATION_BATCH })) {
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
 * size (validation and prediction pad the last batch instead). Returns that size, or null
 * for a stateless model.
 */
function checkStateful(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): number | null {
  const fixed = fixedBatchSize(model);
  if (fixed === null) return null;
  const lazy = isWindowBatches(data);
  const size = lazy ? data.batchSize : options.batchSize;
  if (size !== fixed) {
    throw new Error(
      `${lazy ? 'data.batchSize' : 'batchSize'}: ${size} differs from the batch size ${fixed} that the stateful model ${model.name} was built with; ` +
        `train with batchSize: ${fixed} or rebuild the model.`,
    );
  }
  const n = lazy ? data.numWindows : data.x.shape[0];
  if (n % fixed !== 0) {
    const keep = n - (n % fixed);
    throw new Error(
      `data: ${n} windows are not a multiple of the stateful model's batch size ${fixed}; keep the first ${keep} (e.g. sliceWindows(set, 0, ${keep})).`,
    );
  }
  return fixed;
}

/** The tfjs batch step: `optimizer.minimize` on the loss (plus L2), then weight decay. */
function tfjsStep(
  model: tfTypes.LayersModel,
  optimizer: tfTypes.Optimizer,
  options: TrainOptions,
  stateful: boolean,
): BatchStep {
  const loss = options.loss ?? 'mse';
  const l2 = options.l2 ?? 0;
  const decay = options.weightDecay ?? 0;
  const lr = options.learningRate ?? DEFAULT_LEARNING_RATES[options.optimizer ?? 'adam'];
  const wantErrors = (options.metrics ?? []).length > 0;
  const inShape = (model.inputs[0].shape as number[]).slice(1);
  const outShape = outputShape(model);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tfTypes.Variable }).val);
  return {
    startEpoch: stateful ? () => model.resetStates() : undefined,
    validate: (data) => validate(model, data, loss, l2),
    train(b: FlatBatch, sums: ErrorSums): number {
      const [value, se, ae] = tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(b.x), [b.n, ...inShape]);
        const y = tf.tensor(Float32Array.from(b.y), [b.n, ...outShape]);
        let pred: tfTypes.Tensor | undefined;
        const cost = optimizer.minimize(
          () => {
            pred = tf.keep(model.apply(x, { training: true }) as tfTypes.Tensor);
            const base = lossTensor(loss, y, pred);
            return l2 > 0 ? (tf.add(base, penalty(model, l2)) as tfTypes.Scalar) : base;
          },
          true,
          vars,
        ) as tfTypes.Scalar;
        const e = tf.sub(pred!, y);
        const r = [
          cost.dataSync()[0],
          wantErrors ? tf.sum(tf.square(e)).dataSync()[0] : 0,
          wantErrors ? tf.sum(tf.abs(e)).dataSync()[0] : 0,
        ];
        pred!.dispose();
        return r;
      });
      if (decay > 0) {
        tf.tidy(() => {
          for (const w of model.trainableWeights) if (isKernelWeight(w.name)) w.write(tf.mul(w.read(), 1 - lr * decay));
        });
      }
      sums.mse += se;
      sums.mae += ae;
      return value;
    },
  };
}

/**
 * Trains with tfjs (see the module note); `data` and `options` are the ones `train()` has
 * checked. A stateful model (documento 004) is trained on its windows in order (no shuffling
 * unless `shuffle: true` is given), its state carried from batch to batch within an epoch
 * and reset at the start of every epoch and around validation (the usual Keras recipe
 * `fit(epochs=1, shuffle=False); reset_states()` per epoch). When training stops with an error
 * (a divergence, a failing hook), the model gets back the weights it had before (as the fast
 * engine, which writes its weights into the model only at the end).
 */
export async function fitTfjs(
  model: tfTypes.LayersModel,
  data: TrainData,
  options: TrainOptions,
  loop: Pick<LoopSettings, 'onBatch' | 'warn'> = {},
): Promise<Omit<TrainHistory, 'settings'>> {
  const stateful = checkStateful(model, data, options) !== null;
  const optimizer = makeOptimizer(options);
  // The weights as they are now, to put back if training stops with an error (a divergence would
  // leave NaN in them). tfjs replaces a variable's data at every step rather than changing it, so
  // a clone is a reference to the current data, not a copy: nothing is copied per batch.
  const before = model.getWeights().map((w) => tf.clone(w));
  try {
    const result = await runEpochs(tfjsStep(model, optimizer, options, stateful), data, options, {
      ...loop,
      shuffle: options.shuffle ?? !stateful,
      batchPauses: true,
    });
    return { ...result, engine: 'tfjs', precision: 'float32' };
  } catch (err) {
    model.setWeights(before);
    if (stateful) model.resetStates();
    throw err;
  } finally {
    tf.dispose(before);
    optimizer.dispose();
  }
}
