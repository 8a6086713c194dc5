// The fused engine against tfjs (forward, gradients, optimizer steps, first epochs) in its
// default float32, and in float64 against central finite differences, for every cell type.
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, initBackend, tf } from '../../src';
import { FusedOptimizer } from '../../src/engine/optimizers';
import { engineGradients, FusedNetwork, fitFast, predictFast } from '../../src/train/fast';
import { fitTfjs } from '../../src/train/tfjs';
import type { ModelKind, ModelOptions, OptimizerName, WindowSet } from '../../src';
import { perturbedModel, relError, smallData } from '../support/models';

beforeAll(async () => {
  await initBackend('cpu');
});

const kinds: ModelKind[] = ['elman', 'jordan', 'lstm', 'gru'];
const stacks = [[4], [4, 3]];
const batches = [1, 5];

/** fn's plain result, the tensors it made freed (tf.tidy itself only returns tensors). */
function tidyRead<T>(fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}

/** tfjs's loss and gradients (MSE or MAE) for one batch, in the order of `trainableWeights`. */
function tfjsGradients(
  model: tfTypes.LayersModel,
  x: Float64Array,
  y: Float64Array,
  shape: [number, number, number],
  loss: 'mse' | 'mae' = 'mse',
) {
  const lossFn = loss === 'mse' ? tf.losses.meanSquaredError : tf.losses.absoluteDifference;
  return tidyRead(() => {
    const xt = tf.tensor3d(Float32Array.from(x), shape);
    const yt = tf.tensor2d(Float32Array.from(y), [shape[0], 1]);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tfTypes.Variable }).val);
    const { value, grads } = tf.variableGrads(
      () => lossFn(yt, model.predict(xt) as tfTypes.Tensor) as tfTypes.Scalar,
      vars,
    );
    return { loss: value.dataSync()[0], grads: vars.map((v) => Float64Array.from(grads[v.name].dataSync())) };
  });
}

/** ‖central differences (float64, step h) − the engine's gradients‖ / ‖gradients‖ for an MSE batch. */
function finiteDifferenceError(net: FusedNetwork, data: WindowSet, grads: Float64Array[], h: number): number {
  const n = data.x.shape[0];
  let num = 0;
  let den = 0;
  net.params.forEach((p, k) => {
    for (let i = 0; i < p.value.length; i++) {
      const keep = p.value[i];
      p.value[i] = keep + h;
      const up = net.batchLoss({ x: data.x.data, y: data.y.data, n }, { loss: 'mse', gradients: false });
      p.value[i] = keep - h;
      const down = net.batchLoss({ x: data.x.data, y: data.y.data, n }, { loss: 'mse', gradients: false });
      p.value[i] = keep;
      num += ((up - down) / (2 * h) - grads[k][i]) ** 2;
      den += grads[k][i] ** 2;
    }
  });
  return Math.sqrt(num / den);
}

/**
 * The float32 engine: forward = tfjs predict and gradients = tfjs gradients to float32
 * rounding; the float64 engine: gradients = central differences (step h), and the float32
 * gradients = the float64 ones to float32 rounding.
 */
function expectParity(model: tfTypes.LayersModel, data: WindowSet, h = 1e-5): void {
  const ref = tidyRead(() =>
    Float64Array.from(
      (model.predict(tf.tensor3d(Float32Array.from(data.x.data), data.x.shape)) as tfTypes.Tensor).dataSync(),
    ),
  );
  expect(relError(predictFast(model, data.x), ref)).toBeLessThan(1e-5);
  const mine = engineGradients(model, data);
  expect(mine.network.precision).toBe('float32');
  const theirs = tfjsGradients(model, data.x.data, data.y.data, data.x.shape);
  expect(Math.abs(mine.loss - theirs.loss) / theirs.loss).toBeLessThan(1e-5);
  mine.grads.forEach((g, k) => expect(relError(g, theirs.grads[k])).toBeLessThan(1e-4));
  const exact = engineGradients(model, data, 'mse', 'float64');
  expect(finiteDifferenceError(exact.network, data, exact.grads, h)).toBeLessThan(1e-6);
  mine.grads.forEach((g, k) => expect(relError(g, exact.grads[k])).toBeLessThan(1e-4));
}

describe.each(kinds)('%s engine vs tfjs and finite differences', (kind) => {
  for (const units of stacks) {
    for (const batch of batches) {
      it(`${units.length} layer(s), batch ${batch}`, () => {
        const model = perturbedModel(kind, units, 6, 2);
        expectParity(model, smallData(batch, 6, 2));
        model.dispose();
      });
    }
  }
});

// Other activations take the cells' general paths (the LSTM's fused kernels serve only
// sigmoid gates with tanh).
describe('other activations vs tfjs and finite differences', () => {
  const cases: Array<[ModelKind, Partial<ModelOptions>]> = [
    ['lstm', { recurrentActivation: 'hardSigmoid' }],
    ['lstm', { activation: 'relu' }],
    ['gru', { recurrentActivation: 'hardSigmoid', activation: 'relu' }],
    ['elman', { activation: 'sigmoid' }],
    ['elman', { activation: 'linear' }],
  ];
  for (const [kind, options] of cases) {
    it(`${kind} ${JSON.stringify(options)}, two layers, batch 3`, () => {
      const model = perturbedModel(kind, [4, 3], 6, 2, 3, options);
      expectParity(model, smallData(3, 6, 2));
      model.dispose();
    });
  }
});

describe('dense models and dense heads (products in the kernels)', () => {
  const cases: Array<[string, () => tfTypes.LayersModel]> = [
    ['Flatten → Dense 5 relu → Dense 1 (document 001)', () => perturbedModel('dense', [5], 6, 3)],
    [
      'GRU 4 → Dense 3 relu → Dense 2 relu → Dense 1 (document 002 head)',
      () => {
        const model = buildModel('gru', {
          steps: 6,
          features: 3,
          units: [4],
          head: [
            { units: 3, activation: 'relu' },
            { units: 2, activation: 'relu' },
          ],
          seed: 4,
        });
        for (const layer of model.layers) {
          const ws = layer.getWeights();
          if (!ws.length) continue;
          const next = ws.map((w, k) =>
            tf.tidy(() => tf.add(w, tf.randomNormal(w.shape, 0.1, 0.3, 'float32', 40 + k))),
          );
          layer.setWeights(next);
          tf.dispose(next);
        }
        return model;
      },
    ],
  ];
  it.each(cases)('%s: forward, gradients vs tfjs and central differences', (_name, make) => {
    const model = make();
    expectParity(model, smallData(4, 6, 3), 1e-6);
    model.dispose();
  });
});

describe('MAE loss, returnSequences and dense heads', () => {
  it('matches tfjs for an LSTM returning sequences with a dense head', () => {
    const steps = 4;
    const model = perturbedModel('lstm', [3], steps, 1);
    const data = smallData(3, steps, 1);
    const mine = engineGradients(model, data, 'mae');
    const ref = tfjsGradients(model, data.x.data, data.y.data, data.x.shape, 'mae');
    expect(Math.abs(mine.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
    mine.grads.forEach((g, k) => expect(relError(g, ref.grads[k])).toBeLessThan(1e-4));
  });
});

describe('optimizer steps equal tfjs optimizers', () => {
  const cases: Array<[OptimizerName, number, number | undefined]> = [
    ['adam', 0.01, undefined],
    ['adadelta', 1.0, undefined],
    ['sgd', 0.1, 0.9],
    ['rmsprop', 0.01, undefined],
  ];
  it.each(cases)('%s', (name, lr, momentum) => {
    const model = perturbedModel('elman', [3], 4, 1);
    const data = smallData(4, 4, 1);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tfTypes.Variable }).val);
    const tfOpt =
      name === 'adam'
        ? tf.train.adam(lr)
        : name === 'adadelta'
          ? tf.train.adadelta(lr)
          : name === 'sgd'
            ? tf.train.momentum(lr, momentum!)
            : tf.train.rmsprop(lr);
    const net = new FusedNetwork(model);
    const mine = new FusedOptimizer(net.params, { name, learningRate: lr, momentum });
    for (let step = 0; step < 3; step++) {
      const g = tfjsGradients(model, data.x.data, data.y.data, data.x.shape).grads;
      net.params.forEach((p, k) => p.grad.set(g[k]));
      mine.step();
      const named: Record<string, tfTypes.Tensor> = {};
      vars.forEach((v, k) => (named[v.name] = tf.tensor(Float32Array.from(g[k]), v.shape)));
      tfOpt.applyGradients(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(Object.values(named));
    }
    vars.forEach((v, k) => expect(relError(net.params[k].value, Float64Array.from(v.dataSync()))).toBeLessThan(1e-5));
    tfOpt.dispose();
  });
});

describe('training from the same weights', () => {
  it.each(kinds)('%s: first epochs of engine and tfjs agree', async (kind) => {
    const data = smallData(24, 5, 1);
    const a = perturbedModel(kind, [4], 5, 1);
    const b = perturbedModel(kind, [4], 5, 1);
    const opts = {
      epochs: 3,
      batchSize: 4,
      shuffle: false,
      optimizer: 'adam' as const,
      learningRate: 0.01,
      progress: 'none' as const,
    };
    const fast = await fitFast(a, data, opts);
    const slow = await fitTfjs(b, data, opts);
    expect(relError(fast.history.loss, slow.history.loss)).toBeLessThan(1e-4);
  });
});
