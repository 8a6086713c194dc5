// The models written out with the tfjs layers API in notebooks 03–06 (issue 18) equal the
// library's builders: same layers, units, activations, flags, input shape and parameter count.
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDense,
  buildElman,
  buildGRU,
  buildLSTM,
  architectureOf,
  buildModel,
  countParams,
  initBackend,
  lastValueBaselineMae,
  mae,
  sameArchitecture,
  StandardScaler,
  tf,
  timeseriesDatasetFromArray,
} from '../../src';

beforeAll(async () => {
  await initBackend('cpu');
});

/** What the notebooks compare (`sameArchitecture`), shown layer by layer when it fails; also the parameter count. */
function expectSame(hand: tfTypes.Sequential, built: tfTypes.Sequential, params: number): void {
  expect(architectureOf(hand)).toEqual(architectureOf(built));
  expect(sameArchitecture(hand, built)).toBe(true);
  expect(countParams(hand)).toBe(params);
  expect(countParams(built)).toBe(params);
}

describe('06 Melbourne: hand-written models equal the builders', () => {
  it('model_1: LSTM(4, input (1, 3), tanh, sigmoid, returnSequences) + Dense(1)', () => {
    const hand = tf.sequential();
    hand.add(
      tf.layers.lstm({
        units: 4,
        inputShape: [1, 3],
        activation: 'tanh',
        recurrentActivation: 'sigmoid',
        unitForgetBias: true,
        returnSequences: true,
      }),
    );
    hand.add(tf.layers.dense({ units: 1, activation: 'linear' }));
    const built = buildLSTM({ steps: 1, features: 3, units: [4], returnSequences: true, seed: 11 });
    // 4 gates × 4 units × (3 inputs + 4 recurrent + 1 bias) + (4 + 1)
    expectSame(hand, built, 4 * 4 * 8 + 5);
  });

  it('stateful LSTM(4, batchInputShape (1, 3, 1)) + Dense(1)', () => {
    const hand = tf.sequential();
    hand.add(
      tf.layers.lstm({
        units: 4,
        batchInputShape: [1, 3, 1],
        stateful: true,
        recurrentActivation: 'sigmoid',
        unitForgetBias: true,
      }),
    );
    hand.add(tf.layers.dense({ units: 1 }));
    const built = buildLSTM({ steps: 3, features: 1, units: [4], stateful: true, batchSize: 1 });
    expect(hand.inputs[0].shape).toEqual([1, 3, 1]);
    expectSame(hand, built, 4 * 4 * 6 + 5);
  });

  it('GRU(1, input (1, 3), returnSequences) + Dense(1): 15 + 2 parameters in tfjs', () => {
    const hand = tf.sequential();
    hand.add(tf.layers.gru({ units: 1, inputShape: [1, 3], recurrentActivation: 'sigmoid', returnSequences: true }));
    hand.add(tf.layers.dense({ units: 1 }));
    const built = buildGRU({ steps: 1, features: 3, units: [1], returnSequences: true, seed: 11 });
    expectSame(hand, built, 3 * (3 + 1 + 1) + 2);
  });

  it('tells a different configuration apart (hardSigmoid gates, the tfjs default)', () => {
    const hand = tf.sequential();
    hand.add(tf.layers.lstm({ units: 4, inputShape: [1, 3], unitForgetBias: true, returnSequences: true }));
    hand.add(tf.layers.dense({ units: 1 }));
    const built = buildLSTM({ steps: 1, features: 3, units: [4], returnSequences: true });
    expect(sameArchitecture(hand, built)).toBe(false);
  });
});

describe('05 S&P 500: hand-written models equal the builders', () => {
  // nn.RNN(1, 20) + nn.Linear(20, 1) on windows of 240 days; GRU and LSTM of the same size.
  const recurrent = (layer: tfTypes.layers.Layer) => {
    const m = tf.sequential();
    m.add(layer);
    m.add(tf.layers.dense({ units: 1 }));
    return m;
  };
  const common = { units: 20, inputShape: [240, 1] };
  it.each([
    ['elman', () => tf.layers.simpleRNN({ ...common, activation: 'tanh' }), 20 * 22 + 21],
    ['gru', () => tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' }), 3 * 20 * 22 + 21],
    [
      'lstm',
      () => tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: true }),
      4 * 20 * 22 + 21,
    ],
  ] as const)('%s(20) + Dense(1)', (kind, layer, params) => {
    const built = buildModel(kind, { steps: 240, features: 1, units: [20], seed: 5 });
    expectSame(recurrent(layer()), built, params);
  });
});

describe('04 RNN vs dense: hand-written models equal the builders', () => {
  const lookBack = 20;
  const seq = (...layers: tfTypes.layers.Layer[]) => {
    const m = tf.sequential();
    for (const l of layers) m.add(l);
    return m;
  };
  const out = (activation: 'linear' | 'relu' = 'linear') => tf.layers.dense({ units: 1, activation });
  const lstm5 = (returnSequences: boolean) =>
    tf.layers.lstm({
      units: 5,
      activation: 'tanh',
      inputShape: [lookBack, 1],
      recurrentActivation: 'sigmoid',
      unitForgetBias: true,
      returnSequences,
    });
  it('SimpleRNN(5) + Dense(1)', () => {
    const hand = seq(tf.layers.simpleRNN({ units: 5, activation: 'tanh', inputShape: [lookBack, 1] }), out());
    expectSame(hand, buildElman({ steps: lookBack, features: 1, units: [5], seed: 3 }), 5 * 7 + 6);
  });
  it('LSTM(5) + Dense(1), also with returnSequences', () => {
    expectSame(seq(lstm5(false), out()), buildLSTM({ steps: lookBack, features: 1, units: [5] }), 4 * 35 + 6);
    const built = buildLSTM({ steps: lookBack, features: 1, units: [5], returnSequences: true });
    expectSame(seq(lstm5(true), out()), built, 4 * 35 + 6);
    expect(built.outputs[0].shape).toEqual([null, lookBack, 1]);
  });
  it('Flatten + Dense(16, relu) + Dense(1)', () => {
    const hand = seq(
      tf.layers.flatten({ inputShape: [lookBack, 1] }),
      tf.layers.dense({ units: 16, activation: 'relu' }),
      out(),
    );
    expectSame(hand, buildDense({ steps: lookBack, features: 1, units: [16] }), 20 * 16 + 16 + 17);
  });
  it('stacked SimpleRNN(10, returnSequences) → SimpleRNN(5) → Dense(1)', () => {
    const hand = seq(
      tf.layers.simpleRNN({ units: 10, activation: 'tanh', inputShape: [lookBack, 1], returnSequences: true }),
      tf.layers.simpleRNN({ units: 5, activation: 'tanh' }),
      out(),
    );
    const built = buildElman({ steps: lookBack, features: 1, units: [10, 5] });
    expectSame(hand, built, 10 * 12 + 5 * 16 + 6);
  });
  it('SimpleRNN(10) → Dense(8, relu) → Dense(4, relu) → Dense(1, relu)', () => {
    const hand = seq(
      tf.layers.simpleRNN({ units: 10, activation: 'tanh', inputShape: [lookBack, 1] }),
      tf.layers.dense({ units: 8, activation: 'relu' }),
      tf.layers.dense({ units: 4, activation: 'relu' }),
      out('relu'),
    );
    const built = buildElman({
      steps: lookBack,
      features: 1,
      units: [10],
      head: [
        { units: 8, activation: 'relu' },
        { units: 4, activation: 'relu' },
      ],
      outputActivation: 'relu',
    });
    expectSame(hand, built, 10 * 12 + 88 + 36 + 5);
  });
  it('stateful SimpleRNN(5, batchInputShape [10, 20, 1]) + Dense(1)', () => {
    const hand = seq(
      tf.layers.simpleRNN({ units: 5, activation: 'tanh', stateful: true, batchInputShape: [10, lookBack, 1] }),
      out(),
    );
    const built = buildElman({ steps: lookBack, features: 1, units: [5], stateful: true, batchSize: 10 });
    expectSame(hand, built, 5 * 7 + 6);
  });
});

describe('03 Jena: hand-written models and the visible common-sense line', () => {
  const [steps, features] = [120, 14];
  it('Flatten → Dense(16, relu) → Dense(1)', () => {
    const hand = tf.sequential();
    hand.add(tf.layers.flatten({ inputShape: [steps, features] }));
    hand.add(tf.layers.dense({ units: 16, activation: 'relu' }));
    hand.add(tf.layers.dense({ units: 1 }));
    const built = buildDense({ steps, features, units: [16], seed: 1337 });
    expectSame(hand, built, steps * features * 16 + 16 + 17);
  });
  it('LSTM(16) → Dense(1): 1984 + 17 parameters, as in the document', () => {
    const hand = tf.sequential();
    hand.add(
      tf.layers.lstm({
        units: 16,
        inputShape: [steps, features],
        recurrentActivation: 'sigmoid',
        unitForgetBias: true,
      }),
    );
    hand.add(tf.layers.dense({ units: 1 }));
    expectSame(hand, buildLSTM({ steps, features, units: [16], seed: 1337 }), 1984 + 17);
  });
  it('T now (last of the window) against T after the delay equals lastValueBaselineMae', () => {
    // The notebook's line: mae(temperature[s + span], targets[s]) over the window starts s.
    const [rows, cols, tCol, rate, length, delay] = [400, 3, 1, 2, 10, 2 * (10 + 5 - 1)];
    const table = Float64Array.from({ length: rows * cols }, (_, k) => Math.sin(k * 0.37) * 5 + (k % cols));
    const temperature = Float64Array.from({ length: rows }, (_, i) => table[i * cols + tCol]);
    const scaler = new StandardScaler({ features: cols }).fit(table);
    const normalized = scaler.transform(table);
    const targets = temperature.subarray(delay);
    const ds = timeseriesDatasetFromArray(
      { data: normalized.subarray(0, (rows - delay) * cols), shape: [rows - delay, cols] },
      targets,
      { samplingRate: rate, sequenceLength: length, batchSize: 16 },
    );
    const span = (length - 1) * rate;
    const byHand = mae(
      Float64Array.from(ds.starts, (s) => temperature[s + span]),
      Float64Array.from(ds.starts, (s) => targets[s]),
    );
    const library = lastValueBaselineMae(ds, { feature: tCol, mean: scaler.mean![tCol], std: scaler.std![tCol] });
    expect(byHand).toBeGreaterThan(0.5);
    expect(Math.abs(byHand - library)).toBeLessThan(1e-5);
  });
});
