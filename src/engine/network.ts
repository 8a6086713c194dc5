/**
 * The engine's network: a stack of fused layers built from a plain-data spec (which can
 * cross to a worker thread), with its loss, gradients and predictions. No tfjs here:
 * train/fast.ts reads a tfjs model into a spec and copies weights in and out.
 */
import type { ActivationName, FloatArray } from '../core/activations';
import type { ErrorSums, FlatBatch, LossName } from '../core/types';
import {
  DenseLayer,
  ElmanLayer,
  FlattenLayer,
  type FusedLayer,
  GRULayer,
  JS_MEMORY,
  type LayerMemory,
  LSTMLayer,
  type Param,
} from './layers';
import { engineHeap, type Heap, measure } from './heap';
import { JordanLayer } from './jordan';
import { type EnginePrecision, enginePrecision } from './precision';

/** A fused layer described as plain data. */
export type LayerSpec =
  | {
      type: 'elman' | 'lstm' | 'gru';
      inSize: number;
      units: number;
      returnSequences: boolean;
      act: ActivationName;
      rec: ActivationName;
    }
  | {
      type: 'jordan';
      inSize: number;
      units: number[];
      outputs: number;
      returnSequences: boolean;
      act: ActivationName;
      outAct: ActivationName;
    }
  | { type: 'dense'; inSize: number; units: number; act: ActivationName }
  | { type: 'flatten'; inSize: number; steps: number };

/** The architecture the engine trains: input shape and layers. */
export interface NetworkSpec {
  steps: number;
  features: number;
  layers: LayerSpec[];
}

/** What `Network.batchLoss` computes besides the loss. */
export interface BatchLossOptions {
  loss: LossName;
  /** Also backpropagate: the params' gradients are zeroed, then hold the batch's mean gradient. */
  gradients: boolean;
  /** Squared and absolute errors of the batch are added here. */
  sums?: ErrorSums;
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
export class Network {
  readonly layers: FusedLayer[];
  readonly params: Param[];
  readonly steps: number;
  readonly features: number;
  readonly outSteps: number;
  readonly outputs: number;
  private dOut: Float64Array;
  private readonly heap: Heap;

  /**
   * The network of `spec`, computing in `precision` (by default the engine's:
   * RNN_ENGINE_PRECISION, float32 unless set).
   */
  constructor(
    readonly spec: NetworkSpec,
    readonly precision: EnginePrecision = enginePrecision(),
  ) {
    // Measure the arrays every layer needs, then build the layers in one arena of the heap
    // (given back by dispose(), or when this network is garbage-collected).
    const heap = engineHeap(precision);
    const counter = measure(precision);
    const counting: LayerMemory = { alloc: counter.alloc, kernels: heap.kernels, owns: () => false };
    reserveAll(
      spec.layers.map((s) => layerFromSpec(s, counting)),
      spec.steps,
    );
    const mem: LayerMemory = {
      alloc: heap.arena(counter.bytes(), this),
      kernels: heap.kernels,
      owns: (a) => heap.owns(a),
    };
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
  forwardSample(x: Float64Array): FloatArray {
    let h: FloatArray = x;
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
    let d: FloatArray = dOut;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i].backward(d, Ts[i]);
  }

  zeroGrads(): void {
    for (const p of this.params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = 0;
    }
  }

  /**
   * The L2 penalty `l2·Σw²` over the kernels (biases excluded); with `gradients`, its
   * gradient `2·l2·w` is added to the kernels' gradients. The one place the engine applies L2.
   */
  l2Penalty(l2: number, { gradients }: { gradients: boolean }): number {
    if (!(l2 > 0)) return 0;
    let squares = 0;
    for (const p of this.params) {
      if (!p.isKernel) continue;
      for (let i = 0; i < p.value.length; i++) squares += p.value[i] * p.value[i];
    }
    if (gradients) {
      for (const p of this.params)
        if (p.isKernel) for (let i = 0; i < p.value.length; i++) p.grad[i] += 2 * l2 * p.value[i];
    }
    return l2 * squares;
  }

  /**
   * Loss of a batch without the L2 term: the mean over samples, steps and outputs, as Keras.
   * `batch.x` holds `n` samples; `batch.y` holds `n · outSteps · outputs` targets.
   */
  batchLoss(batch: FlatBatch, { loss, gradients, sums }: BatchLossOptions): number {
    if (gradients) this.zeroGrads();
    const { x, y, n } = batch;
    const xs = this.steps * this.features;
    const ys = this.outSteps * this.outputs;
    const scale = 1 / (n * ys);
    let total = 0;
    for (let s = 0; s < n; s++) {
      const out = this.forwardSample(x.subarray(s * xs, (s + 1) * xs));
      for (let j = 0; j < ys; j++) {
        const e = out[j] - y[s * ys + j];
        if (sums) {
          sums.mse += e * e;
          sums.mae += Math.abs(e);
        }
        if (loss === 'mse') {
          total += e * e;
          this.dOut[j] = 2 * e * scale;
        } else {
          total += Math.abs(e);
          this.dOut[j] = (e > 0 ? 1 : e < 0 ? -1 : 0) * scale;
        }
      }
      if (gradients) this.backwardSample(this.dOut);
    }
    return total * scale;
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
