import type * as tfTypes from '@tensorflow/tfjs';
import { divergenceError, emptyHistory, recordEpoch } from '../train/history';
import type { Array3D, EpochLogs, LossName, TrainData, TrainHistory, TrainOptions, WindowBatches, WindowSet } from '../types';
import { epochBatches } from '../series/windows';
import { FusedNetwork, readArchitecture, Unsupported } from './network';
import { DEFAULT_LEARNING_RATES, FusedOptimizer } from './optimizers';
import { BatchSplitter, threadsFor } from './parallel';

/** True when `data` is a lazy batch source. */
export function isWindowBatches(data: TrainData): data is WindowBatches {
  return typeof (data as WindowBatches).batch === 'function';
}

/**
 * `null` when the fast engine can train `model` with `options`, else a one-line reason
 * (then `train()` uses tfjs).
 */
export function engineSupport(model: tfTypes.LayersModel, options: TrainOptions): string | null {
  try {
    readArchitecture(model);
  } catch (err) {
    if (err instanceof Unsupported) return err.message;
    throw err;
  }
  const opt = options.optimizer ?? 'adam';
  if (!(opt in DEFAULT_LEARNING_RATES)) return `optimizer "${opt}" is not supported`;
  const loss = options.loss ?? 'mse';
  if (loss !== 'mse' && loss !== 'mae') return `loss "${String(loss)}" is not supported`;
  return null;
}

/** The batches of one epoch (see `epochBatches`). */
function batchesOf(data: TrainData, batchSize: number, epoch: number, shuffle: boolean, seed: number) {
  return epochBatches(data, { batchSize, epoch, shuffle, seed });
}

function checkData(name: string, data: TrainData, net: FusedNetwork): void {
  const ys = net.outSteps * net.outputs;
  if (isWindowBatches(data)) {
    if (data.sequenceLength !== net.steps || data.features !== net.features || data.outputs !== ys) {
      throw new Error(`${name}: batches of [${data.sequenceLength} steps, ${data.features} features] → ${data.outputs} targets do not fit the model's input [${net.steps}, ${net.features}] → ${ys} outputs.`);
    }
    return;
  }
  const [n, steps, features] = data.x.shape;
  if (steps !== net.steps || features !== net.features) {
    throw new Error(`${name}: windows of shape [${n}, ${steps}, ${features}] do not fit the model's input [batch, ${net.steps}, ${net.features}]; rebuild the model or the windows.`);
  }
  if (data.y.data.length !== n * ys) {
    throw new Error(`${name}: ${data.y.data.length} targets for ${n} windows, but the model gives ${ys} output(s) per window (shape y as [${n}${net.outSteps > 1 ? `, ${net.outSteps}` : ''}, ${net.outputs}]).`);
  }
}

/** Loss and metric sums over a whole data set (no gradients). */
async function evaluate(net: FusedNetwork, data: TrainData, loss: LossName, l2: number, splitter?: BatchSplitter): Promise<{ loss: number; mse: number; mae: number }> {
  const sums = { mse: 0, mae: 0 };
  let weighted = 0;
  let count = 0;
  for (const b of batchesOf(data, 1024, 0, false, 0)) {
    const value = splitter ? await splitter.batchLoss(b.x, b.y, b.n, loss, false, sums) : net.batchLoss(b.x, b.y, b.n, loss, 0, false, sums);
    weighted += value * b.n;
    count += b.n;
  }
  const per = count * net.outSteps * net.outputs;
  return { loss: weighted / count + (l2 > 0 ? l2 * net.kernelSquares() : 0), mse: sums.mse / per, mae: sums.mae / per };
}

/**
 * Trains `model` with the fused engine: reads its weights, runs the epochs (forward, BPTT,
 * the tfjs optimizer formulas), writes the weights back. Same history as the tfjs path.
 */
export async function fitFast(model: tfTypes.LayersModel, data: TrainData, options: TrainOptions): Promise<TrainHistory> {
  const reason = engineSupport(model, options);
  if (reason) throw new Error(`The fast engine cannot train this model: ${reason}. Use engine: "tfjs" (or "auto").`);
  const net = new FusedNetwork(model);
  try {
    checkData('data', data, net);
    if (options.validationData) checkData('validationData', options.validationData, net);
    const loss = options.loss ?? 'mse';
    const optName = options.optimizer ?? 'adam';
    const opt = new FusedOptimizer(net.params, {
      name: optName,
      learningRate: options.learningRate ?? DEFAULT_LEARNING_RATES[optName],
      momentum: options.momentum,
      weightDecay: options.weightDecay,
    });
    const l2 = options.l2 ?? 0;
    const metrics = options.metrics ?? [];
    const history = emptyHistory(options);
    const secondsPerEpoch: number[] = [];
    const start = performance.now();
    // Large batches are split across threads (one worker per extra core); batch 1 stays here.
    const threads = threadsFor(net, options.batchSize);
    const splitter = threads > 1 ? new BatchSplitter(net, threads - 1) : undefined;
    try {
      for (let epoch = 0; epoch < options.epochs; epoch++) {
        const t0 = performance.now();
        let weighted = 0;
        let count = 0;
        const sums = { mse: 0, mae: 0 };
        let batchIndex = 0;
        for (const b of batchesOf(data, options.batchSize, epoch, options.shuffle !== false, options.seed ?? 0)) {
          let value: number;
          if (splitter && b.n >= 8) {
            value = await splitter.batchLoss(b.x, b.y, b.n, loss, true, sums);
            if (l2 > 0) {
              value += l2 * net.kernelSquares();
              net.addL2Gradient(l2);
            }
          } else value = net.batchLoss(b.x, b.y, b.n, loss, l2, true, sums);
          if (!Number.isFinite(value) && options.stopOnNaN !== false) {
            throw divergenceError(value, epoch, batchIndex);
          }
          opt.step();
          weighted += value * b.n;
          count += b.n;
          batchIndex++;
        }
        const logs: EpochLogs = { loss: weighted / count };
        const per = count * net.outSteps * net.outputs;
        for (const m of metrics) logs[m] = sums[m] / per;
        const validation = options.validationData ? await evaluate(net, options.validationData, loss, l2, splitter) : undefined;
        await recordEpoch({ history, secondsPerEpoch }, options, epoch, t0, logs, validation);
      }
    } finally {
      await splitter?.close();
    }
    net.writeWeights();
    return { history, secondsPerEpoch, totalSeconds: (performance.now() - start) / 1000, engine: 'fast' };
  } finally {
    net.dispose(); // the engine memory goes back at once (a notebook trains many networks)
  }
}

/** Predictions of the engine for windows `x` (n · outSteps · outputs values). */
export function predictFast(model: tfTypes.LayersModel, x: Array3D): Float64Array {
  const net = new FusedNetwork(model);
  try {
    checkData('x', { x, y: { data: new Float64Array(x.shape[0] * net.outSteps * net.outputs), shape: [x.shape[0], net.outSteps * net.outputs] } }, net);
    return net.predict(x.data, x.shape[0]);
  } finally {
    net.dispose();
  }
}

/**
 * Loss and gradients of one batch as the engine computes them, in the order of
 * `model.trainableWeights` (for tests against tfjs and finite differences).
 */
export function engineGradients(model: tfTypes.LayersModel, data: WindowSet, loss: LossName = 'mse', l2 = 0): { loss: number; grads: Float64Array[]; network: FusedNetwork } {
  const net = new FusedNetwork(model);
  checkData('data', data, net);
  const value = net.batchLoss(data.x.data, data.y.data, data.x.shape[0], loss, l2, true);
  return { loss: value, grads: net.params.map((p) => Float64Array.from(p.grad)), network: net };
}
