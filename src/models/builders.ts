/**
 * Model builders: the networks of the course documents as tfjs `LayersModel`s, with Keras
 * / PyTorch defaults made explicit (tfjs defaults differ): sigmoid recurrent activation,
 * Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, and a seed for every
 * initializer so the same seed gives identical initial weights.
 */
import { tf } from '../backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { type ActivationName, checkActivationName } from '../core/activations';
import { isKernelWeight } from './inference';
import { JordanCell } from './jordan';

/** The networks `buildModel` builds: Elman (SimpleRNN), Jordan, LSTM, GRU, or a dense network on the flattened window. */
export type ModelKind = 'elman' | 'jordan' | 'lstm' | 'gru' | 'dense';

/** A dense layer of a head: RNN → Dense(8, relu) → Dense(4, relu) → output. */
export interface DenseSpec {
  units: number;
  activation?: ActivationName;
}

/** Options of every builder (`buildModel`, `buildElman`, `buildJordan`, `buildLSTM`, `buildGRU`, `buildDense`). */
export interface ModelOptions {
  /** Time steps per window (lags). */
  steps: number;
  /** Features per step. */
  features: number;
  /** Layer sizes: recurrent stack (e.g. [5, 5]); for `dense`, the hidden dense layers (e.g. [16]). */
  units: number[];
  /** Hidden activation; default tanh (dense models: relu). */
  activation?: ActivationName;
  /** Gate activation of LSTM/GRU; default sigmoid (Keras/PyTorch), not tfjs's hardSigmoid. */
  recurrentActivation?: ActivationName;
  /** Size of the output (Dense) layer, default 1; for Jordan also the size of the state. */
  outputUnits?: number;
  /** Activation of the output layer, default linear. */
  outputActivation?: ActivationName;
  /** Output at every step (many-to-many); the output Dense is applied per step. */
  returnSequences?: boolean;
  /** Keep the state between batches; needs a fixed `batchSize`. */
  stateful?: boolean;
  /** Fixed batch size of a stateful model (train and predict it with this batch size). */
  batchSize?: number;
  /** Fraction of the inputs dropped in training (recurrent layers), in [0, 1). Not for Jordan; the fast engine falls back to tfjs. */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training, in [0, 1). */
  recurrentDropout?: number;
  /** Dense layers between the recurrent stack and the output (documento 002: [{units: 8, activation: 'relu'}, {units: 4, activation: 'relu'}]). */
  head?: DenseSpec[];
  /** Seed of every initializer (default 0). */
  seed?: number;
  /** Model name (shown by summary(), progress lines and fallback messages). */
  name?: string;
}

function checkActivation(kind: ModelKind, name: string, value: unknown): void {
  checkActivationName(`build ${kind}: ${name}`, value);
}

function checkOptions(kind: ModelKind, o: ModelOptions): void {
  const pos = (name: string, v: unknown) => {
    if (!Number.isInteger(v) || (v as number) <= 0)
      throw new Error(`build ${kind}: ${name} = ${String(v)} must be a positive integer.`);
  };
  pos('steps', o.steps);
  pos('features', o.features);
  if (!Array.isArray(o.units) || o.units.length === 0)
    throw new Error(`build ${kind}: units must be a non-empty list such as [5, 5], got ${JSON.stringify(o.units)}.`);
  o.units.forEach((u, i) => pos(`units[${i}]`, u));
  if (o.outputUnits !== undefined) pos('outputUnits', o.outputUnits);
  (o.head ?? []).forEach((h, i) => {
    pos(`head[${i}].units`, h?.units);
    if (h.activation !== undefined) checkActivation(kind, `head[${i}].activation`, h.activation);
  });
  for (const k of ['activation', 'recurrentActivation', 'outputActivation'] as const) {
    if (o[k] !== undefined) checkActivation(kind, k, o[k]);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed))
    throw new Error(`build ${kind}: seed = ${o.seed} must be an integer, e.g. 42.`);
  if (o.stateful) pos('batchSize (required when stateful)', o.batchSize);
  for (const [k, v] of [
    ['dropout', o.dropout],
    ['recurrentDropout', o.recurrentDropout],
  ] as const) {
    if (v !== undefined && !(v >= 0 && v < 1)) throw new Error(`build ${kind}: ${k} = ${v} must be in [0, 1).`);
  }
}

function inputConfig(o: ModelOptions): { batchInputShape?: number[]; inputShape?: number[] } {
  return o.stateful ? { batchInputShape: [o.batchSize!, o.steps, o.features] } : { inputShape: [o.steps, o.features] };
}

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });

function addHeadAndOutput(model: tfTypes.Sequential, o: ModelOptions, seed: number): void {
  (o.head ?? []).forEach((h, i) => {
    model.add(
      tf.layers.dense({
        units: h.units,
        activation: h.activation ?? 'relu',
        kernelInitializer: glorot(seed + 100 + i),
        name: `head_${i + 1}`,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: o.outputUnits ?? 1,
      activation: o.outputActivation ?? 'linear',
      kernelInitializer: glorot(seed + 999),
      name: 'output',
    }),
  );
}

/**
 * Builds any of the model kinds (a dispatcher over the builders below). The RNN(20), GRU(20) and
 * LSTM(20) of documento 003 are written out with `tf.layers` and compared with it in
 * notebooks/05-sp500-rnn.ipynb (cells `hw05-9`, `hw05-5`).
 */
export function buildModel(kind: ModelKind, options: ModelOptions): tfTypes.Sequential {
  switch (kind) {
    case 'elman':
    case 'lstm':
    case 'gru':
      return buildRecurrent(kind, options);
    case 'jordan':
      return buildJordan(options);
    case 'dense':
      return buildDense(options);
    default:
      throw new Error(`buildModel: unknown kind "${String(kind)}"; use elman, jordan, lstm, gru or dense.`);
  }
}

/**
 * Runs a model construction inside a tidy scope, so temporary tensors made while layers are
 * built are freed (tfjs' LSTM `unitForgetBias` initializer leaves 4 per LSTM layer behind
 * otherwise); the weights are variables, which a tidy scope keeps.
 */
export function buildWithoutLeaks<T>(construct: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = construct();
  });
  return out as T;
}

function buildRecurrent(kind: 'elman' | 'lstm' | 'gru', o: ModelOptions): tfTypes.Sequential {
  checkOptions(kind, o);
  return buildWithoutLeaks(() => buildRecurrentStack(kind, o));
}

function buildRecurrentStack(kind: 'elman' | 'lstm' | 'gru', o: ModelOptions): tfTypes.Sequential {
  const seed = o.seed ?? 0;
  const model = tf.sequential({ name: o.name ?? kind });
  o.units.forEach((units, l) => {
    const last = l === o.units.length - 1;
    const common = {
      units,
      activation: o.activation ?? 'tanh',
      returnSequences: !last || !!o.returnSequences,
      stateful: !!o.stateful,
      dropout: o.dropout ?? 0,
      recurrentDropout: o.recurrentDropout ?? 0,
      kernelInitializer: glorot(seed + 10 * l),
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 10 * l + 1, gain: 1 }),
      biasInitializer: 'zeros' as const,
      name: `${kind}_${l + 1}`,
      ...(l === 0 ? inputConfig(o) : {}),
    };
    if (kind === 'elman') model.add(tf.layers.simpleRNN(common));
    else if (kind === 'lstm')
      model.add(
        tf.layers.lstm({ ...common, recurrentActivation: o.recurrentActivation ?? 'sigmoid', unitForgetBias: true }),
      );
    else model.add(tf.layers.gru({ ...common, recurrentActivation: o.recurrentActivation ?? 'sigmoid' }));
  });
  addHeadAndOutput(model, o, seed);
  return model;
}

/**
 * Elman network (tfjs SimpleRNN stack) + optional dense head + linear output. Written out with
 * `tf.sequential()` / `tf.layers.simpleRNN` / `tf.layers.dense`, compared with this builder and
 * computed from scratch in notebooks/01-amazon-elman.ipynb (cells `elman-tfjs`, `elman-builder`,
 * `elman-scratch`); the stacked 2×5 version in notebooks/02-practica-iberdrola.ipynb (`elman-tfjs`).
 */
export function buildElman(options: ModelOptions): tfTypes.Sequential {
  return buildRecurrent('elman', options);
}

/**
 * LSTM stack + optional dense head + linear output. Written out with `tf.layers.lstm` (sigmoid
 * gates, `returnSequences` where stacked) and compared with this builder in
 * notebooks/02-practica-iberdrola.ipynb (cell `lstm-tfjs`); LSTM(16) of documento 001 in
 * notebooks/03-jena-temperatura.ipynb (`hw03-7`); `stateful` with a fixed batch in
 * notebooks/06-melbourne-lstm-gru.ipynb (`hw06-10`).
 */
export function buildLSTM(options: ModelOptions): tfTypes.Sequential {
  return buildRecurrent('lstm', options);
}

/**
 * GRU stack (tfjs formulation, reset gate before the matrix product) + optional head + linear
 * output. Written out with `tf.layers.gru` and compared with this builder in
 * notebooks/02-practica-iberdrola.ipynb (cell `gru-tfjs`).
 */
export function buildGRU(options: ModelOptions): tfTypes.Sequential {
  return buildRecurrent('gru', options);
}

/**
 * Jordan network (documento 000): one recurrent cell whose hidden stack `units` feeds the output
 * layer, and whose state is the previous output. No extra head: the output is in the cell.
 * Its recurrence is written in plain TypeScript beside the document's formula, and equals
 * predict(), in notebooks/02-practica-iberdrola.ipynb (cell `jordan-scratch`).
 */
export function buildJordan(o: ModelOptions): tfTypes.Sequential {
  checkOptions('jordan', o);
  if (o.head?.length)
    throw new Error('build jordan: head is not supported; the output layer is part of the Jordan cell (its state).');
  if (o.dropout || o.recurrentDropout)
    throw new Error('build jordan: dropout is not supported by the Jordan cell; remove dropout/recurrentDropout.');
  const model = tf.sequential({ name: o.name ?? 'jordan' });
  const cell = new JordanCell({
    units: o.units,
    outputUnits: o.outputUnits ?? 1,
    activation: o.activation ?? 'tanh',
    outputActivation: o.outputActivation ?? 'linear',
    seed: o.seed ?? 0,
    name: 'jordan_cell',
  });
  model.add(
    tf.layers.rnn({
      cell: cell as unknown as Parameters<typeof tf.layers.rnn>[0]['cell'],
      returnSequences: !!o.returnSequences,
      stateful: !!o.stateful,
      name: 'jordan_1',
      ...inputConfig(o),
    }),
  );
  return model;
}

/**
 * A densely connected network on the flattened window (documentos 001 y 002): Flatten → Dense(units…,
 * relu) → output. Written out with `tf.layers.flatten` / `dense` and compared with this builder in
 * notebooks/03-jena-temperatura.ipynb (cell `hw03-9`) and notebooks/04-rnn-vs-densas.ipynb.
 */
export function buildDense(o: ModelOptions): tfTypes.Sequential {
  checkOptions('dense', o);
  if (o.dropout || o.recurrentDropout || o.returnSequences || o.stateful) {
    throw new Error(
      'build dense: dropout, recurrentDropout, returnSequences and stateful apply to recurrent layers only; remove them or build elman/lstm/gru.',
    );
  }
  const seed = o.seed ?? 0;
  const model = tf.sequential({ name: o.name ?? 'dense' });
  model.add(tf.layers.flatten({ ...inputConfig(o), name: 'flatten' }));
  o.units.forEach((units, l) =>
    model.add(
      tf.layers.dense({
        units,
        activation: o.activation ?? 'relu',
        kernelInitializer: glorot(seed + 10 * l),
        name: `dense_${l + 1}`,
      }),
    ),
  );
  addHeadAndOutput(model, { ...o, head: o.head }, seed);
  return model;
}

/** Number of trainable parameters (tfjs's single-bias layout; PyTorch counts two RNN biases). */
export function countParams(model: tfTypes.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** Euclidean norm of all kernel weights (biases excluded): what L2 and weight decay shrink. */
export function kernelNorm(model: tfTypes.LayersModel): number {
  let s = 0;
  for (const w of model.trainableWeights) {
    if (!isKernelWeight(w.name)) continue;
    const v = w.read().dataSync();
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  }
  return Math.sqrt(s);
}

/** One layer of `architectureOf`: what it computes, without names, seeds or initializers. */
export interface LayerArchitecture {
  /** The tfjs class, e.g. SimpleRNN, LSTM, GRU, Dense, Flatten, RNN (the Jordan cell). */
  layer: string;
  units: number | null;
  activation: string | null;
  /** Gate activation of LSTM/GRU (null for other layers). */
  recurrentActivation: string | null;
  returnSequences: boolean | null;
  stateful: boolean | null;
  /**
   * The declared input shape with the batch dimension, e.g. "[null,7,1]", "[1,3,1]" for a stateful
   * layer; "null" for layers after the first.
   */
  inputShape: string;
  /** Output shape without the batch dimension, e.g. "[20,5]". */
  outputShape: string;
  params: number;
}

/**
 * The architecture of a model layer by layer (class, units, activations, returnSequences,
 * stateful, output shape, parameters): what two models must share to compute the same
 * function given the same weights. Names, seeds and initializers are left out, so a model
 * written by hand with `tf.sequential()` compares equal to the builder's.
 */
export function architectureOf(model: tfTypes.LayersModel): LayerArchitecture[] {
  return model.layers.map((l) => {
    const c = l.getConfig() as Record<string, unknown>;
    const pick = <T>(k: string) => (c[k] === undefined ? null : (c[k] as T));
    const shape = l.outputShape as (number | null)[];
    return {
      layer: l.getClassName(),
      units: pick<number>('units'),
      activation: pick<string>('activation'),
      recurrentActivation: pick<string>('recurrentActivation'),
      returnSequences: pick<boolean>('returnSequences'),
      stateful: pick<boolean>('stateful'),
      inputShape: JSON.stringify(pick<(number | null)[]>('batchInputShape')),
      outputShape: JSON.stringify(shape.slice(1)),
      params: l.countParams(),
    };
  });
}

/**
 * Whether two models compute the same function given the same weights: equal `architectureOf`
 * layer by layer (so equal parameter counts). Notebooks 01–06 use it to show that a model written
 * with `tf.sequential()` / `tf.layers` equals the builder's (first in 01, cell `elman-builder`).
 */
export function sameArchitecture(a: tfTypes.LayersModel, b: tfTypes.LayersModel): boolean {
  return JSON.stringify(architectureOf(a)) === JSON.stringify(architectureOf(b));
}
