/**
 * Hidden state (seed 003): the state a recurrent network ends a window with, and
 * evaluation that carries it from one window to the next instead of starting from zeros.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { Array3D } from '../types';

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'RNN']);

function lastRecurrentLayer(model: tfTypes.LayersModel): tfTypes.layers.Layer {
  const layers = model.layers.filter((l) => RECURRENT.has(l.getClassName()));
  if (layers.length === 0) throw new Error(`${model.name} has no recurrent layer; the hidden state exists only for Elman/Jordan/LSTM/GRU models.`);
  return layers[layers.length - 1];
}

/**
 * The last recurrent layer's hidden state h at the end of each window of `x`:
 * Float64Array of n · units (for LSTM, h — not the cell state c; for Jordan, the output y).
 */
export function lastHiddenState(model: tfTypes.LayersModel, x: Array3D): { state: Float64Array; units: number } {
  const layer = lastRecurrentLayer(model);
  const sub = tf.model({ inputs: model.inputs, outputs: layer.output as tfTypes.SymbolicTensor });
  const last = tf.tidy(() => {
    const out = sub.predict(tf.tensor(Float32Array.from(x.data), x.shape)) as tfTypes.Tensor;
    return out.rank === 3 ? out.slice([0, out.shape[1]! - 1, 0], [-1, 1, -1]).squeeze([1]) : out;
  });
  const result = { state: Float64Array.from(last.dataSync()), units: last.shape[1] as number };
  last.dispose();
  return result;
}

/** A copy of `model` that keeps its recurrent state between calls (batch size 1), same weights. */
export function statefulTwin(model: tfTypes.LayersModel): tfTypes.Sequential {
  const config = model.getConfig() as unknown as { name: string; layers: Array<{ className: string; config: Record<string, unknown> }> };
  if (!Array.isArray(config.layers)) throw new Error('statefulTwin: only Sequential models (as the builders return) are supported.');
  const inShape = (model.inputs[0].shape as Array<number | null>).slice(1);
  const layers = config.layers.map((l, i) => {
    const c = { ...l.config };
    if (RECURRENT.has(l.className)) c.stateful = true;
    if (i === 0) {
      delete c.inputShape;
      c.batchInputShape = [1, ...inShape];
    }
    return { className: l.className, config: c };
  });
  const twin = tf.Sequential.fromConfig(tf.Sequential, { name: `${config.name}_con_estado`, layers } as unknown as tfTypes.serialization.ConfigDict) as tfTypes.Sequential;
  twin.setWeights(model.getWeights());
  return twin;
}

/**
 * Predicts consecutive windows one by one. `carryState: true` feeds each window's final
 * hidden state in as the next window's initial state (a stateful twin of the model);
 * `false` starts every window from zeros, as training did. Returns the n raw outputs.
 */
export function evaluateCarryingState(model: tfTypes.LayersModel, x: Array3D, options: { carryState: boolean }): Float64Array {
  const twin = statefulTwin(model);
  const [n, steps, features] = x.shape;
  const out = new Float64Array(n);
  twin.resetStates();
  for (let i = 0; i < n; i++) {
    if (!options.carryState) twin.resetStates();
    out[i] = tf.tidy(() => {
      const xi = tf.tensor(Float32Array.from(x.data.subarray(i * steps * features, (i + 1) * steps * features)), [1, steps, features]);
      const p = twin.predict(xi) as tfTypes.Tensor;
      return p.dataSync()[p.size - 1];
    });
  }
  twin.dispose();
  return out;
}
