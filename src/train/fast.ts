/**
 * The fast engine behind `train()` and the predictions: reads a tfjs model into the engine's
 * network spec, copies the weights in and back, and supplies the engine's batch step to the
 * epoch loop. Anything the engine does not support is reported as a reason (then tfjs trains).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../backend';
import { ACTIVATION_NAMES, activationNamed } from '../core/activations';
import type { ActivationName } from '../core/activations';
import type { Array3D, LossName, TrainData, TrainHistory, TrainOptions, WindowSet } from '../core/types';
import {
  DEFAULT_LEARNING_RATES,
  type EnginePrecision,
  type LayerSpec,
  layerFromSpec,
  Network,
  type NetworkSpec,
  Trainer,
} from '../engine';
import { JordanCell } from '../models/jordan';
import { modelWindowShape } from '../models/inference';
import { checkTrainData } from '../series/shapes';
import { epochBatches } from '../series/windows';
import { type LoopSettings, runEpochs } from './loop';

/** Thrown while reading a model the engine cannot train; the message is the reason. */
class Unsupported extends Error {}

/** Validation and evaluation go through the data in batches of this many windows. */
const EVALUATION_BATCH = 1024;

function activationOf(config: Record<string, unknown>, key: string, layer: string): ActivationName {
  const raw = config[key];
  const name =
    typeof raw === 'string'
      ? raw
      : raw && typeof raw === 'object'
        ? String((raw as { className?: string }).className)
        : 'linear';
  const act = activationNamed(name);
  if (!act)
    throw new Unsupported(
      `layer ${layer} uses activation "${name}" (the engine supports ${ACTIVATION_NAMES.join(', ')})`,
    );
  return act;
}

/** The engine's spec of one tfjs layer of a Sequential stack whose input is `size` wide over `steps` steps. */
function layerSpecOf(layer: tfTypes.layers.Layer, size: number, steps: number): LayerSpec {
  const cls = layer.getClassName();
  const c = layer.getConfig() as Record<string, unknown>;
  if (c.stateful)
    throw new Unsupported(`layer ${layer.name} is stateful (the engine resets the state for every window)`);
  if ((c.dropout as number) > 0 || (c.recurrentDropout as number) > 0)
    throw new Unsupported(`layer ${layer.name} uses dropout`);
  if (c.useBias === false) throw new Unsupported(`layer ${layer.name} has no bias`);
  if ((c.kernelRegularizer || c.recurrentRegularizer || c.biasRegularizer || c.activityRegularizer) && cls !== 'RNN') {
    throw new Unsupported(
      `layer ${layer.name} has a regularizer set in the model (use the l2 option of train() instead)`,
    );
  }
  const returnSequences = !!c.returnSequences;
  switch (cls) {
    case 'SimpleRNN':
      return {
        type: 'elman',
        inSize: size,
        units: c.units as number,
        returnSequences,
        act: activationOf(c, 'activation', layer.name),
        rec: 'sigmoid',
      };
    case 'LSTM':
    case 'GRU': {
      if (c.resetAfter) throw new Unsupported(`layer ${layer.name} uses resetAfter`);
      const type = cls === 'LSTM' ? 'lstm' : 'gru';
      const act = activationOf(c, 'activation', layer.name);
      return {
        type,
        inSize: size,
        units: c.units as number,
        returnSequences,
        act,
        rec: activationOf(c, 'recurrentActivation', layer.name),
      };
    }
    case 'RNN': {
      const cell = (layer as unknown as { cell?: tfTypes.layers.Layer }).cell;
      if (!(cell instanceof JordanCell))
        throw new Unsupported(`layer ${layer.name} wraps a ${cell?.getClassName() ?? 'unknown'} cell`);
      const act = activationNamed(cell.activation);
      const outAct = activationNamed(cell.outputActivation);
      if (!act || !outAct)
        throw new Unsupported(`layer ${layer.name} uses activations "${cell.activation}", "${cell.outputActivation}"`);
      return {
        type: 'jordan',
        inSize: size,
        units: [...cell.units],
        outputs: cell.outputUnits,
        returnSequences,
        act,
        outAct,
      };
    }
    case 'Dense':
      return { type: 'dense', inSize: size, units: c.units as number, act: activationOf(c, 'activation', layer.name) };
    case 'Flatten':
      return { type: 'flatten', inSize: size, steps };
    default:
      throw new Unsupported(`layer ${layer.name} is a ${cls}`);
  }
}

/** Reads `model` as the engine's spec, with the tfjs layer behind each spec layer; throws `Unsupported`. */
function readArchitecture(model: tfTypes.LayersModel): { spec: NetworkSpec; tfLayers: tfTypes.layers.Layer[] } {
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 3 || inShape[1] === null || inShape[2] === null) {
    throw new Unsupported(
      `the input shape ${JSON.stringify(inShape)} is not [batch, steps, features] with fixed steps`,
    );
  }
  const steps = inShape[1] as number;
  const features = inShape[2] as number;
  let T = steps;
  let size = features;
  const layers: LayerSpec[] = [];
  const tfLayers: tfTypes.layers.Layer[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const spec = layerSpecOf(layer, size, T);
    const probe = layerFromSpec(spec);
    T = probe.outSteps(T);
    size = probe.outSize;
    layers.push(spec);
    tfLayers.push(layer);
  }
  return { spec: { steps, features, layers }, tfLayers };
}

/**
 * `null` when the fast engine can train and predict `model`, else a one-line reason (then
 * tfjs is used). The options are checked by `train()` itself.
 */
export function engineSupport(model: tfTypes.LayersModel): string | null {
  try {
    readArchitecture(model);
    return null;
  } catch (err) {
    if (err instanceof Unsupported) return err.message;
    throw err;
  }
}

/** A tfjs model read into the engine: an engine network whose weights come from and go back to the model. */
export class FusedNetwork extends Network {
  private readonly owners: Array<{ tfLayer: tfTypes.layers.Layer; params: Network['params'] }>;

  /** `precision`: the engine's (RNN_ENGINE_PRECISION, float32 unless set) when not given. */
  constructor(
    readonly model: tfTypes.LayersModel,
    precision?: EnginePrecision,
  ) {
    const { spec, tfLayers } = readArchitecture(model);
    super(spec, precision);
    this.owners = tfLayers
      .map((tfLayer, i) => ({ tfLayer, params: this.layers[i].params }))
      .filter((o) => o.params.length > 0);
    this.readWeights();
  }

  /** Copies the tfjs weights into the engine. */
  readWeights(): void {
    for (const { tfLayer, params } of this.owners) {
      const ws = tfLayer.getWeights();
      if (ws.length !== params.length)
        throw new Error(`layer ${tfLayer.name} has ${ws.length} weights, expected ${params.length}`);
      ws.forEach((w, i) => {
        const data = w.dataSync();
        if (data.length !== params[i].value.length)
          throw new Error(
            `weight ${i} of ${tfLayer.name} has ${data.length} values, expected ${params[i].value.length}`,
          );
        params[i].value.set(data);
      });
    }
  }

  /** Copies the engine's weights back into the tfjs model. */
  writeWeights(): void {
    for (const { tfLayer, params } of this.owners) {
      const shapes = tfLayer.getWeights().map((w) => w.shape);
      const tensors = params.map((p, i) => tf.tensor(Float32Array.from(p.value), shapes[i]));
      tfLayer.setWeights(tensors);
      tf.dispose(tensors);
    }
  }
}

/**
 * Trains `model` with the fused engine: reads its weights, runs the epoch loop with the
 * engine's batch step (forward, BPTT, the tfjs optimizer formulas), writes the weights back.
 * `data` and `options` are the ones `train()` has checked.
 */
export async function fitFast(
  model: tfTypes.LayersModel,
  data: TrainData,
  options: TrainOptions,
  loop: Pick<LoopSettings, 'warn'> = {},
): Promise<Omit<TrainHistory, 'settings'>> {
  let net: FusedNetwork;
  try {
    net = new FusedNetwork(model);
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    throw new Error(`The fast engine cannot train this model: ${err.message}. Use engine: "tfjs" (or "auto").`);
  }
  try {
    const optimizer = options.optimizer ?? 'adam';
    const trainer = new Trainer(net, {
      loss: options.loss ?? 'mse',
      l2: options.l2 ?? 0,
      batchSize: options.batchSize,
      optimizer: {
        name: optimizer,
        learningRate: options.learningRate ?? DEFAULT_LEARNING_RATES[optimizer],
        momentum: options.momentum,
        weightDecay: options.weightDecay,
      },
    });
    let result: Omit<TrainHistory, 'engine' | 'precision' | 'settings'>;
    try {
      const step = {
        train: trainer.step.bind(trainer),
        validate: (v: TrainData) => trainer.evaluate(epochBatches(v, { batchSize: EVALUATION_BATCH })),
      };
      result = await runEpochs(step, data, options, {
        ...loop,
        shuffle: options.shuffle !== false,
        batchPauses: false,
      });
    } finally {
      await trainer.close();
    }
    net.writeWeights();
    return { ...result, engine: 'fast', precision: net.precision };
  } finally {
    net.dispose(); // the engine memory goes back at once (a notebook trains many networks)
  }
}

/** Predictions of the engine for checked windows `x` (n · outSteps · outputs values). */
export function predictFast(model: tfTypes.LayersModel, x: Array3D): Float64Array {
  const net = new FusedNetwork(model);
  try {
    return net.predict(x.data, x.shape[0]);
  } finally {
    net.dispose();
  }
}

/**
 * Loss and gradients of one batch as the engine computes them in `precision` (the engine's
 * by default), in the order of `model.trainableWeights` (for tests against tfjs and finite
 * differences).
 */
export function engineGradients(
  model: tfTypes.LayersModel,
  data: WindowSet,
  loss: LossName = 'mse',
  precision?: EnginePrecision,
): { loss: number; grads: Float64Array[]; network: FusedNetwork } {
  checkTrainData('data', data, modelWindowShape(model));
  const net = new FusedNetwork(model, precision);
  const batch = { x: data.x.data, y: data.y.data, n: data.x.shape[0] };
  const value = net.batchLoss(batch, { loss, gradients: true });
  return { loss: value, grads: net.params.map((p) => Float64Array.from(p.grad)), network: net };
}
