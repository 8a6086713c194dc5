// What notebooks 01 and 02 show by hand, checked on small data independently of them: models
// written with the tfjs layers API equal the builders (architecture and parameter count), the
// Elman and Jordan forward passes in plain TypeScript equal predict(), and one epoch written
// with tfjs (data loader batches, MSE, optimizer.minimize, test loss without gradients) equals
// the first epoch of train() (the fast engine) from the same initial weights.
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  architectureOf,
  buildElman,
  buildGRU,
  buildJordan,
  buildLSTM,
  countParams,
  epochBatches,
  initBackend,
  tf,
  train,
} from '../../src';
import { EPOCH_TOLERANCE, FORWARD_TOLERANCE, smallData } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});

const predictOne = (m: tfTypes.LayersModel, x: number[], steps: number) =>
  tf.tidy(() => (m.predict(tf.tensor3d(x, [1, steps, 1])) as tfTypes.Tensor).dataSync()[0]);

const weightsOf = (m: tfTypes.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** z = b + v·K, K stored row-major [v.length, b.length] (a tfjs kernel). */
const affine = (v: number[], K: number[], b: number[]) =>
  b.map((bj, j) => bj + v.reduce((s, vi, i) => s + vi * K[i * b.length + j], 0));

describe('models written by hand equal the builders', () => {
  it('Elman 1×5 (notebook 01): SimpleRNN(5, tanh) → Dense(1)', () => {
    const hand = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: 5, activation: 'tanh', inputShape: [7, 1] }),
        tf.layers.dense({ units: 1, activation: 'linear' }),
      ],
    });
    const built = buildElman({ steps: 7, features: 1, units: [5], seed: 42 });
    expect(architectureOf(hand)).toEqual(architectureOf(built));
    expect(architectureOf(hand).map((l) => l.layer)).toEqual(['SimpleRNN', 'Dense']);
    expect(countParams(hand)).toBe(countParams(built));
    expect(countParams(hand)).toBe(1 * 5 + 5 * 5 + 5 + 5 + 1);
  });

  it.each([
    ['elman', 'simpleRNN', 96],
    ['lstm', 'lstm', 4 * 35 + 4 * 55 + 6],
    ['gru', 'gru', 3 * 35 + 3 * 55 + 6],
  ] as const)('%s 2×5 (notebook 02), stacked with returnSequences', (kind, layer, params) => {
    const gates = kind === 'elman' ? {} : { recurrentActivation: 'sigmoid' as const };
    const hand = tf.sequential({
      layers: [
        tf.layers[layer]({ units: 5, activation: 'tanh', ...gates, returnSequences: true, inputShape: [20, 1] }),
        tf.layers[layer]({ units: 5, activation: 'tanh', ...gates }),
        tf.layers.dense({ units: 1, activation: 'linear' }),
      ],
    });
    const builder = { elman: buildElman, lstm: buildLSTM, gru: buildGRU }[kind];
    const built = builder({ steps: 20, features: 1, units: [5, 5], seed: 7 });
    expect(architectureOf(hand)).toEqual(architectureOf(built));
    expect(countParams(hand)).toBe(params);
    expect(countParams(built)).toBe(params);
  });

  it('tells models apart that differ in a layer (tfjs default hardSigmoid gates, returnSequences)', () => {
    const hand = tf.sequential({
      layers: [tf.layers.lstm({ units: 5, inputShape: [20, 1] }), tf.layers.dense({ units: 1 })],
    });
    const built = buildLSTM({ steps: 20, features: 1, units: [5] });
    expect(architectureOf(hand)[0].recurrentActivation).toBe('hardSigmoid');
    expect(architectureOf(hand)).not.toEqual(architectureOf(built));
    const seq = buildLSTM({ steps: 20, features: 1, units: [5], returnSequences: true });
    expect(architectureOf(seq)[0].returnSequences).toBe(true);
    expect(architectureOf(seq)[1].outputShape).toBe('[20,1]');
  });
});

describe('forward passes in plain TypeScript equal predict()', () => {
  it('Elman: h(t) = tanh(x(t)·W + h(t−1)·U + b), y = h(T)·V + c', () => {
    const model = buildElman({ steps: 7, features: 1, units: [5], seed: 3 });
    const [W, U, b, V, c] = weightsOf(model);
    const window = [0.3, -0.1, 0.5, 0.9, -0.7, 0.2, 0.4];
    let h = [0, 0, 0, 0, 0];
    for (const xt of window) h = affine(h, U, affine([xt], W, b)).map(Math.tanh);
    const y = affine(h, V, c)[0];
    expect(Math.abs(y - predictOne(model, window, 7))).toBeLessThan(FORWARD_TOLERANCE);
    expect(Math.abs(y)).toBeGreaterThan(1e-3);
  });

  it('Jordan 2×5: the hidden layer receives the previous output of the network', () => {
    const model = buildJordan({ steps: 20, features: 1, units: [5, 5], seed: 7 });
    const [K0, R, b0, K1, b1, V, c] = weightsOf(model);
    const window = Array.from({ length: 20 }, (_, t) => Math.sin(t / 3) * 0.8);
    let y = 0;
    for (const xt of window) {
      const h0 = affine([y], R, affine([xt], K0, b0)).map(Math.tanh);
      const h1 = affine(h0, K1, b1).map(Math.tanh);
      y = affine(h1, V, c)[0];
    }
    expect(Math.abs(y - predictOne(model, window, 20))).toBeLessThan(FORWARD_TOLERANCE);
    expect(Math.abs(y)).toBeGreaterThan(1e-3);
  });
});

describe('one epoch written with tfjs equals the first epoch of train()', () => {
  it('Adam, batches of 16 shuffled by the seed, MSE weighted by window, test loss without gradients', async () => {
    const trainSet = smallData(150, 7, 1, 1);
    const testSet = smallData(40, 7, 1, 2);
    const model = buildElman({ steps: 7, features: 1, units: [5], seed: 42 });
    const twin = buildElman({ steps: 7, features: 1, units: [5], seed: 0 });
    twin.setWeights(model.getWeights());
    const optimizer = tf.train.adam(0.001);
    let runningLoss = 0;
    for (const b of epochBatches(trainSet, { batchSize: 16, shuffle: true, seed: 42, epoch: 0 })) {
      const x = tf.tensor3d(Float32Array.from(b.x), [b.n, 7, 1]);
      const y = tf.tensor2d(Float32Array.from(b.y), [b.n, 1]);
      const mse = () => tf.losses.meanSquaredError(y, twin.apply(x) as tfTypes.Tensor) as tfTypes.Scalar;
      const loss = optimizer.minimize(mse, true) as tfTypes.Scalar;
      runningLoss += loss.dataSync()[0] * b.n;
      tf.dispose([x, y, loss]);
    }
    const epochLoss = runningLoss / 150;
    const testLoss = tf.tidy(() => {
      const x = tf.tensor3d(Float32Array.from(testSet.x.data), [40, 7, 1]);
      const y = tf.tensor2d(Float32Array.from(testSet.y.data), [40, 1]);
      return tf.losses.meanSquaredError(y, twin.predict(x) as tfTypes.Tensor).dataSync()[0];
    });
    optimizer.dispose();
    const hist = await train(model, trainSet, {
      epochs: 1,
      batchSize: 16,
      optimizer: 'adam',
      learningRate: 0.001,
      loss: 'mse',
      validationData: testSet,
      seed: 42,
      progress: 'none',
    });
    expect(hist.engine).toBe('fast');
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(rel(epochLoss, hist.history.loss[0])).toBeLessThan(EPOCH_TOLERANCE);
    expect(rel(testLoss, hist.history.val_loss[0])).toBeLessThan(EPOCH_TOLERANCE);
    // and the step did change the weights (the equality is not that of two untrained models)
    const before = buildElman({ steps: 7, features: 1, units: [5], seed: 42 });
    expect(Math.abs(weightsOf(before)[3][0] - weightsOf(model)[3][0])).toBeGreaterThan(1e-5);
  });
});
