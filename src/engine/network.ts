/**
 * A tfjs model read into fused layers: the engine's view of a Sequential stack of
 * SimpleRNN / LSTM / GRU / Jordan layers, Flatten and Dense layers.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { LossName } from '../types';
import { Activation, DenseLayer, ElmanLayer, FlattenLayer, FusedLayer, GRULayer, LSTMLayer, Param } from './layers';
import { JordanLayer } from './jordan';

const ACTIVATIONS: Record<string, Activation> = {
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  hardSigmoid: 'hardSigmoid',
  hard_sigmoid: 'hardSigmoid',
  relu: 'relu',
  linear: 'linear',
};

function activationOf(config: Record<string, unknown>, key: string, layer: string): Activation {
  const raw = config[key];
  const name = typeof raw === 'string' ? raw : raw && typeof raw === 'object' ? String((raw as { className?: string }).className) : 'linear';
  const act = ACTIVATIONS[name] ?? ACTIVATIONS[name.charAt(0).toLowerCase() + name.slice(1)];
  if (!act) throw new Unsupported(`layer ${layer} uses activation "${name}" (the engine supports tanh, sigmoid, hardSigmoid, relu, linear)`);
  return act;
}

/** Thrown while reading a model the engine cannot train; the message is the reason. */
export class Unsupported extends Error {}

interface Built {
  layers: FusedLayer[];
  /** tfjs layer owning each fused layer's params (for reading/writing weights). */
  owners: Array<{ tfLayer: tfTypes.layers.Layer; fused: FusedLayer }>;
  steps: number;
  features: number;
  outSteps: number;
  outputs: number;
}

/** Reads the architecture of `model`; throws `Unsupported` with a reason. */
export function readArchitecture(model: tfTypes.LayersModel): Built {
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 3 || inShape[1] === null || inShape[2] === null) {
    throw new Unsupported(`the input shape ${JSON.stringify(inShape)} is not [batch, steps, features] with fixed steps`);
  }
  const steps = inShape[1] as number;
  const features = inShape[2] as number;
  let T = steps;
  let size = features;
  const layers: FusedLayer[] = [];
  const owners: Built['owners'] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const c = layer.getConfig() as Record<string, unknown>;
    if (cls === 'InputLayer') continue;
    if (c.stateful) throw new Unsupported(`layer ${layer.name} is stateful (the engine resets the state for every window)`);
    if ((c.dropout as number) > 0 || (c.recurrentDropout as number) > 0) throw new Unsupported(`layer ${layer.name} uses dropout`);
    if (c.useBias === false) throw new Unsupported(`layer ${layer.name} has no bias`);
    if ((c.kernelRegularizer || c.recurrentRegularizer || c.biasRegularizer || c.activityRegularizer) && cls !== 'RNN') {
      throw new Unsupported(`layer ${layer.name} has a regularizer set in the model (use the l2 option of train() instead)`);
    }
    let fused: FusedLayer;
    if (cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') {
      if (T !== steps && T === 1 && layers.length) throw new Unsupported(`layer ${layer.name} follows a layer that does not return sequences`);
      const units = c.units as number;
      const act = activationOf(c, 'activation', layer.name);
      const rs = !!c.returnSequences;
      if (cls === 'SimpleRNN') fused = new ElmanLayer(size, units, rs, act);
      else if (cls === 'LSTM') fused = new LSTMLayer(size, units, rs, act, activationOf(c, 'recurrentActivation', layer.name));
      else {
        if (c.resetAfter) throw new Unsupported(`layer ${layer.name} uses resetAfter`);
        fused = new GRULayer(size, units, rs, act, activationOf(c, 'recurrentActivation', layer.name));
      }
    } else if (cls === 'RNN') {
      const cell = (layer as unknown as { cell: tfTypes.layers.Layer }).cell;
      if (!cell || cell.getClassName() !== 'JordanCell') throw new Unsupported(`layer ${layer.name} wraps a ${cell?.getClassName() ?? 'unknown'} cell`);
      const cc = cell.getConfig() as Record<string, unknown>;
      fused = new JordanLayer(size, cc.units as number[], cc.outputUnits as number, !!c.returnSequences, activationOf(cc, 'activation', layer.name), activationOf(cc, 'outputActivation', layer.name));
    } else if (cls === 'Dense') {
      fused = new DenseLayer(size, c.units as number, activationOf(c, 'activation', layer.name));
    } else if (cls === 'Flatten') {
      fused = new FlattenLayer(size, T);
    } else {
      throw new Unsupported(`layer ${layer.name} is a ${cls}`);
    }
    T = fused.outSteps(T);
    size = fused.outSize;
    layers.push(fused);
    if (fused.params.length) owners.push({ tfLayer: layer, fused });
  }
  for (const l of layers) l.reserve(steps);
  return { layers, owners, steps, features, outSteps: T, outputs: size };
}

/** The engine's copy of a model: fused layers holding the weights, loss and gradients. */
export class FusedNetwork {
  readonly layers: FusedLayer[];
  readonly params: Param[];
  readonly steps: number;
  readonly features: number;
  readonly outSteps: number;
  readonly outputs: number;
  private readonly owners: Built['owners'];
  private dOut: Float64Array;

  constructor(readonly model: tfTypes.LayersModel) {
    const b = readArchitecture(model);
    this.layers = b.layers;
    this.owners = b.owners;
    this.steps = b.steps;
    this.features = b.features;
    this.outSteps = b.outSteps;
    this.outputs = b.outputs;
    this.params = b.layers.flatMap((l) => l.params);
    this.dOut = new Float64Array(this.outSteps * this.outputs);
    this.readWeights();
  }

  /** Copies the tfjs weights into the engine. */
  readWeights(): void {
    for (const { tfLayer, fused } of this.owners) {
      const ws = tfLayer.getWeights();
      if (ws.length !== fused.params.length) throw new Unsupported(`layer ${tfLayer.name} has ${ws.length} weights, expected ${fused.params.length}`);
      ws.forEach((w, i) => {
        const data = w.dataSync();
        if (data.length !== fused.params[i].value.length) throw new Unsupported(`weight ${i} of ${tfLayer.name} has ${data.length} values, expected ${fused.params[i].value.length}`);
        fused.params[i].value.set(data);
      });
    }
  }

  /** Copies the engine's weights back into the tfjs model. */
  writeWeights(): void {
    for (const { tfLayer, fused } of this.owners) {
      const shapes = tfLayer.getWeights().map((w) => w.shape);
      const tensors = fused.params.map((p, i) => tf.tensor(Float32Array.from(p.value), shapes[i]));
      tfLayer.setWeights(tensors);
      tf.dispose(tensors);
    }
  }

  /** Forward pass of one sample (x: steps × features) → outSteps × outputs (a view, valid until the next call). */
  forwardSample(x: Float64Array): Float64Array {
    let h = x;
    let T = this.steps;
    for (const l of this.layers) {
      h = l.forward(h, T);
      T = l.outSteps(T);
    }
    return h;
  }

  private backwardSample(dOut: Float64Array): void {
    const Ts: number[] = [];
    let T = this.steps;
    for (const l of this.layers) {
      Ts.push(T);
      T = l.outSteps(T);
    }
    let d = dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i].backward(d, Ts[i]);
  }

  zeroGrads(): void {
    for (const p of this.params) p.grad.fill(0);
  }

  /** Σ w² over kernels (the L2 penalty without its coefficient). */
  kernelSquares(): number {
    let s = 0;
    for (const p of this.params) if (p.isKernel) for (let i = 0; i < p.value.length; i++) s += p.value[i] * p.value[i];
    return s;
  }

  /**
   * Loss of a batch and (when `grads`) its gradients accumulated into the params (zeroed
   * first): mean over samples, steps and outputs as Keras; plus `l2·Σw²`.
   * `x` holds `n` samples; `y` holds `n · outSteps · outputs` targets.
   */
  batchLoss(x: Float64Array, y: Float64Array, n: number, loss: LossName, l2: number, grads: boolean, metricSums?: { mse: number; mae: number }): number {
    if (grads) this.zeroGrads();
    const xs = this.steps * this.features;
    const ys = this.outSteps * this.outputs;
    const scale = 1 / (n * ys);
    let total = 0;
    for (let s = 0; s < n; s++) {
      const out = this.forwardSample(x.subarray(s * xs, (s + 1) * xs));
      for (let j = 0; j < ys; j++) {
        const e = out[j] - y[s * ys + j];
        if (metricSums) {
          metricSums.mse += e * e;
          metricSums.mae += Math.abs(e);
        }
        if (loss === 'mse') {
          total += e * e;
          this.dOut[j] = 2 * e * scale;
        } else {
          total += Math.abs(e);
          this.dOut[j] = (e > 0 ? 1 : e < 0 ? -1 : 0) * scale;
        }
      }
      if (grads) this.backwardSample(this.dOut);
    }
    let value = total * scale;
    if (l2 > 0) {
      value += l2 * this.kernelSquares();
      if (grads) for (const p of this.params) if (p.isKernel) for (let i = 0; i < p.value.length; i++) p.grad[i] += 2 * l2 * p.value[i];
    }
    return value;
  }

  /** Predictions for `n` samples: Float64Array of n · outSteps · outputs. */
  predict(x: Float64Array, n: number): Float64Array {
    const xs = this.steps * this.features;
    const ys = this.outSteps * this.outputs;
    const out = new Float64Array(n * ys);
    for (let s = 0; s < n; s++) out.set(this.forwardSample(x.subarray(s * xs, (s + 1) * xs)), s * ys);
    return out;
  }
}
