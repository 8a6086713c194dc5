/**
 * Hidden state (documento 003): the state a recurrent network ends a window with, and
 * evaluation that carries it from one window to the next instead of starting from zeros.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { Array3D, InverseScaler, WindowSet } from '../core/types';
import { checkWindowInputs } from '../series/shapes';
import { buildWithoutLeaks } from './builders';
import { invertOutputs } from '../series/scalers';
import { modelWindowShape, outputsPerStep } from './inference';

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'RNN']);

function lastRecurrentLayer(model: tfTypes.LayersModel, fn: string): tfTypes.layers.Layer {
  const layers = model.layers.filter((l) => RECURRENT.has(l.getClassName()));
  if (layers.length === 0)
    throw new Error(
      `${fn}: model ${model.name} has no recurrent layer; the hidden state exists only for Elman/Jordan/LSTM/GRU models.`,
    );
  return layers[layers.length - 1];
}

/**
 * A copy of the Sequential `model` (same weights) whose recurrent layers are stateful with
 * batch size `batchSize`, or stateless (any batch size) when `batchSize` is null.
 */
function twin(model: tfTypes.LayersModel, batchSize: number | null, suffix: string): tfTypes.Sequential {
  const config = model.getConfig() as unknown as {
    name: string;
    layers?: Array<{ className: string; config: Record<string, unknown> }>;
  };
  if (!Array.isArray(config.layers) || model.getClassName() !== 'Sequential') {
    throw new Error(
      `model ${model.name} is a ${model.getClassName()}; only Sequential models (as the builders return) can be copied with or without state.`,
    );
  }
  const inShape = (model.inputs[0].shape as Array<number | null>).slice(1);
  const layers = config.layers.map((l, i) => {
    const c = { ...l.config };
    if (RECURRENT.has(l.className)) c.stateful = batchSize !== null;
    if (i === 0) {
      delete c.inputShape;
      delete c.batchInputShape;
      if (batchSize !== null) c.batchInputShape = [batchSize, ...inShape];
      else c.inputShape = inShape;
    }
    return { className: l.className, config: c };
  });
  const copy = buildWithoutLeaks(
    () =>
      tf.Sequential.fromConfig(tf.Sequential, {
        name: `${config.name}_${suffix}`,
        layers,
      } as unknown as tfTypes.serialization.ConfigDict) as tfTypes.Sequential,
  );
  copy.setWeights(model.getWeights());
  return copy;
}

/**
 * A copy of `model` that keeps its recurrent state between calls (batch size 1), same
 * weights. Call `dispose()` when done: it frees the weights and the state tensors.
 */
export function statefulTwin(model: tfTypes.LayersModel): tfTypes.Sequential {
  const copy = twin(model, 1, 'con_estado');
  const disposeWeights = copy.dispose.bind(copy);
  copy.dispose = () => {
    disposeStates(copy);
    return disposeWeights();
  };
  return copy;
}

/**
 * The last recurrent layer's state at the end of each window of `x` (one window or a
 * batch), every window starting from a zero state: `state` holds n · units values,
 * window-major. For LSTM it is the hidden state h (the layer's output), not the cell
 * state c; for Jordan, the network's output y (its state). Works for stateful models too
 * (computed on a stateless copy, so the model's own state is left untouched).
 */
export function lastHiddenState(
  model: tfTypes.LayersModel,
  x: Array3D | WindowSet,
): { state: Float64Array; units: number } {
  const arr = 'x' in x ? x.x : x;
  checkWindowInputs('lastHiddenState', arr, modelWindowShape(model));
  lastRecurrentLayer(model, 'lastHiddenState');
  const source = model.stateful ? twin(model, null, 'sin_estado') : model;
  try {
    const layer = lastRecurrentLayer(source, 'lastHiddenState');
    const upTo = source.layers.indexOf(layer);
    // The layers applied eagerly up to the last recurrent one (no sub-model, so no new references to the layers).
    const last = tf.tidy(() => {
      let t = tf.tensor(Float32Array.from(arr.data), arr.shape) as tfTypes.Tensor;
      for (let i = 0; i <= upTo; i++) t = source.layers[i].apply(t) as tfTypes.Tensor;
      return t.rank === 3 ? t.slice([0, t.shape[1]! - 1, 0], [-1, 1, -1]).squeeze([1]) : t;
    });
    const result = { state: Float64Array.from(last.dataSync()), units: last.shape[1] as number };
    last.dispose();
    return result;
  } finally {
    if (source !== model) disposeCopy(source);
  }
}

/** Disposes a model copy made here: its weights and the state tensors of its stateful layers. */
function disposeCopy(copy: tfTypes.LayersModel): void {
  disposeStates(copy);
  copy.dispose();
}

/** Frees the state tensors (current and kept for BPTT) of a model's stateful layers. */
function disposeStates(copy: tfTypes.LayersModel): void {
  for (const layer of copy.layers) {
    const rnn = layer as unknown as {
      stateful?: boolean;
      states?: tfTypes.Tensor[] | null;
      keptStates?: tfTypes.Tensor[][];
    };
    if (rnn.stateful && rnn.states) tf.dispose(rnn.states.filter((t) => t && !t.isDisposed));
    if (rnn.keptStates) tf.dispose(rnn.keptStates.flat());
  }
}

/**
 * Predicts consecutive windows one at a time, in order. With `carryState: true`, each
 * window starts from the state the previous window ended with (a stateful copy of the model
 * with batch size 1, as Keras' `stateful=True`); the first window starts from zeros. With
 * `false`, every window starts from zeros, exactly as in training and `predictWindows`.
 * Note that consecutive lag windows overlap: a carried state has already seen most of the
 * next window's steps. Returns the same layout as `predictWindows` (n · outputs values, or
 * n · steps · outputs for sequence outputs), de-normalised with `scaler` when given.
 */
export function evaluateCarryingState(
  model: tfTypes.LayersModel,
  x: Array3D | WindowSet,
  options: { carryState: boolean },
  scaler?: InverseScaler,
): Float64Array {
  const arr = 'x' in x ? x.x : x;
  checkWindowInputs('evaluateCarryingState', arr, modelWindowShape(model));
  if (typeof options?.carryState !== 'boolean') {
    throw new Error(
      `evaluateCarryingState: options.carryState = ${String(options?.carryState)} must be true (carry the state) or false (reset it per window).`,
    );
  }
  lastRecurrentLayer(model, 'evaluateCarryingState');
  const [n, steps, features] = arr.shape;
  const copy = statefulTwin(model);
  try {
    const per = (copy.outputs[0].shape as Array<number | null>).slice(1).reduce<number>((a, b) => a * (b as number), 1);
    const out = new Float64Array(n * per);
    copy.resetStates();
    for (let i = 0; i < n; i++) {
      if (!options.carryState) copy.resetStates();
      const values = tf.tidy(() => {
        const xi = tf.tensor(Float32Array.from(arr.data.subarray(i * steps * features, (i + 1) * steps * features)), [
          1,
          steps,
          features,
        ]);
        return (copy.predict(xi) as tfTypes.Tensor).dataSync();
      });
      out.set(values, i * per);
    }
    return scaler ? invertOutputs('evaluateCarryingState', scaler, out, outputsPerStep(model)) : out;
  } finally {
    disposeCopy(copy);
  }
}
