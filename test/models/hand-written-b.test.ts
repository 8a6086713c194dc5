// The models written out with the tfjs layers API in notebooks 03–06 (issue 18) equal the
// library's builders: same layers, units, activations, flags, input shape and parameter count.
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGRU, buildLSTM, countParams, initBackend, tf } from '../../src';

beforeAll(async () => {
  await initBackend('cpu');
});

const keys = ['units', 'activation', 'recurrentActivation', 'unitForgetBias', 'returnSequences', 'stateful'];

/** What the notebooks compare: input shape, then per layer its class and the configuration keys above. */
function architecture(m: tfTypes.Sequential): unknown[] {
  return [m.inputs[0].shape, ...m.layers.map((l) => [l.getClassName(), ...keys.map((k) => l.getConfig()[k] ?? null)])];
}

function expectSame(hand: tfTypes.Sequential, built: tfTypes.Sequential, params: number): void {
  expect(architecture(hand)).toEqual(architecture(built));
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
    expect(architecture(hand)).not.toEqual(architecture(built));
  });
});
