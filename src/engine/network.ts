/**
 * A tfjs model read into fused layers: the engine's view of a Sequential stack of
 * SimpleRNN / LSTM / GRU / Jordan layers, Flatten and Dense layers.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { LossName } from '../types';
import { Activation, DenseLayer, ElmanLayer, FlattenLayer, FusedLayer, GRULayer, JS_MEMORY, LayerMemory, LSTMLayer, Param } from './layers';
import { engineHeap, Heap, measure } from './heap';
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

/** A fused layer described as plain data (it can cross to a worker thread). */
export type LayerSpec =
  | { type: 'elman' | 'lstm' | 'gru'; inSize: number; units: number; returnSequences: boolean; act: Activation; rec: Activation }
  | { type: 'jordan'; inSize: number; units: number[]; outputs: number; returnSequences: boolean; act: Activation; outAct: Activation }
  | { type: 'dense'; inSize: number; units: number; act: Activation }
  | { type: 'flatten'; inSize: number; steps: number };

/** The architecture the engine trains: input shape and layers. */
export interface NetworkSpec {
  steps: number;
  features: number;
  layers: LayerSpec[];
}

/** Builds the fused layer of a spec, its arrays taken from `mem`. */
export function layerFromSpec(s: LayerSpec, mem: LayerMemory = JS_MEMORY): FusedLayer {
  switch (s.type) {
    case 'elman':
      return new ElmanLayer(s.inSize, s.units, s.returnSequences, s.act, mem);
    case 'lstm':
      return new LSTMLayer(s.inSize, s.units, s.returnSequences, s.act, s.rec, mem);
    case 'gru':
      return new GRULayer(s.inSize, s.units, s.returnSequences, s.act, s.rec, mem);
    case 'jordan':
      return new JordanLayer(s.inSize, s.units, s.outputs, s.returnSequences, s.act, s.outAct);
    case 'dense':
      return new DenseLayer(s.inSize, s.units, s.act, mem);
    case 'flatten':
      return new FlattenLayer(s.inSize, s.steps);
  }
}

/**
 * Reads the architecture of `model` as a spec, with the tfjs layer behind each spec layer;
 * throws `Unsupported` with a reason.
 */
export function readArchitecture(model: tfTypes.LayersModel): { spec: NetworkSpec; tfLayers: tfTypes.layers.Layer[] } {
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 3 || inShape[1] === null || inShape[2] === null) {
    throw new Unsupported(`the input shape ${JSON.stringify(inShape)} is not [batch, steps, features] with fixed steps`);
  }
  const steps = inShape[1] as number;
  const features = inShape[2] as number;
  let T = steps;
  let size = features;
  const layers: LayerSpec[] = [];
  const tfLayers: tfTypes.layers.Layer[] = [];
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
    let spec: LayerSpec;
    if (cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') {
      if (c.resetAfter) throw new Unsupported(`layer ${layer.name} uses resetAfter`);
      const type = cls === 'SimpleRNN' ? 'elman' : cls === 'LSTM' ? 'lstm' : 'gru';
      const rec = type === 'elman' ? 'sigmoid' : activationOf(c, 'recurrentActivation', layer.name);
      spec = { type, inSize: size, units: c.units as number, returnSequences: !!c.returnSequences, act: activationOf(c, 'activation', layer.name), rec };
    } else if (cls === 'RNN') {
      const cell = (layer as unknown as { cell: tfTypes.layers.Layer }).cell;
      if (!cell || cell.getClassName() !== 'JordanCell') throw new Unsupported(`layer ${layer.name} wraps a ${cell?.getClassName() ?? 'unknown'} cell`);
      const cc = cell.getConfig() as Record<string, unknown>;
      spec = { type: 'jordan', inSize: size, units: cc.units as number[], outputs: cc.outputUnits as number, returnSequences: !!c.returnSequences, act: activationOf(cc, 'activation', layer.name), outAct: activationOf(cc, 'outputActivation', layer.name) };
    } else if (cls === 'Dense') {
      spec = { type: 'dense', inSize: size, units: c.units as number, act: activationOf(c, 'activation', layer.name) };
    } else if (cls === 'Flatten') {
      spec = { type: 'flatten', inSize: size, steps: T };
    } else {
      throw new Unsupported(`layer ${layer.name} is a ${cls}`);
    }
    const probe = layerFromSpec(spec);
    T = probe.outSteps(T);
    size = probe.outSize;
    layers.push(spec);
    tfLayers.push(layer);
  }
  return { spec: { steps, features, layers }, tfLayers };
}

/** Sizes each layer's buffers for the steps it receives; returns the last layer's output steps. */
function reserveAll(layers: FusedLayer[], steps: number): number {
  let T = steps;
  for (const l of layers) {
    l.reserve(T);
    T = l.outSteps(T);
  }
  return T;
}

/** The engine's network built from a spec: weights, loss, gradients, predictions (no tfjs). */
export class FusedCore {
  readonly layers: FusedLayer[];
  readonly params: Param[];
  readonly steps: number;
  readonly features: number;
  readonly outSteps: number;
  readonly outputs: number;
  private dOut: Float64Array;
  private readonly heap: Heap;

  constructor(readonly spec: NetworkSpec) {
    // Measure the arrays every layer needs, then build the layers in one arena of the heap
    // (given back by dispose(), or when this network is garbage-collected).
    const heap = engineHeap();
    const counter = measure();
    const counting: LayerMemory = { alloc: counter.alloc, kernels: heap.kernels, owns: () => false };
    reserveAll(spec.layers.map((s) => layerFromSpec(s, counting)), spec.steps);
    const mem: LayerMemory = { alloc: heap.arena(counter.bytes(), this), kernels: heap.kernels, owns: (a) => heap.owns(a) };
    this.heap = heap;
    this.layers = spec.layers.map((s) => layerFromSpec(s, mem));
    // nothing needs the gradient w.r.t. the network's input (nor through a leading Flatten)
    for (const l of this.layers) {
      l.skipInputGradient = true;
      if (l.params.length > 0) break;
    }
    this.steps = spec.steps;
    this.features = spec.features;
    this.outSteps = reserveAll(this.layers, spec.steps);
    this.outputs = this.layers.length ? this.layers[this.layers.length - 1].outSize : spec.features;
    this.params = this.layers.flatMap((l) => l.params);
    this.dOut = new Float64Array(this.outSteps * this.outputs);
  }

  /**
   * Gives the network's engine memory back now (a network made for one call should be
   * disposed; otherwise it is given back when garbage-collected). Not usable afterwards.
   */
  dispose(): void {
    this.heap.releaseNow(this);
  }

  /** Total number of parameters. */
  get size(): number {
    return this.params.reduce((s, p) => s + p.value.length, 0);
  }

  /** Copies all parameter values (or gradients) into / out of one flat array. */
  flatten(which: 'value' | 'grad', out = new Float64Array(this.size)): Float64Array {
    let o = 0;
    for (const p of this.params) {
      out.set(p[which], o);
      o += p[which].length;
    }
    return out;
  }

  unflatten(which: 'value' | 'grad', from: Float64Array): void {
    let o = 0;
    for (const p of this.params) {
      p[which].set(from.subarray(o, o + p[which].length));
      o += p[which].length;
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
    for (const p of this.params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = 0;
    }
  }

  /** Σ w² over kernels (the L2 penalty without its coefficient). */
  kernelSquares(): number {
    let s = 0;
    for (const p of this.params) if (p.isKernel) for (let i = 0; i < p.value.length; i++) s += p.value[i] * p.value[i];
    return s;
  }

  /** Adds the gradient of `l2·Σw²` to the kernels' gradients. */
  addL2Gradient(l2: number): void {
    for (const p of this.params) if (p.isKernel) for (let i = 0; i < p.value.length; i++) p.grad[i] += 2 * l2 * p.value[i];
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
      if (grads) this.addL2Gradient(l2);
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

/** A tfjs model read into the engine: a FusedCore whose weights come from and go back to the model. */
export class FusedNetwork extends FusedCore {
  private readonly owners: Array<{ tfLayer: tfTypes.layers.Layer; fused: FusedLayer }>;

  constructor(readonly model: tfTypes.LayersModel) {
    const { spec, tfLayers } = readArchitecture(model);
    super(spec);
    this.owners = tfLayers.map((tfLayer, i) => ({ tfLayer, fused: this.layers[i] })).filter((o) => o.fused.params.length > 0);
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
}
